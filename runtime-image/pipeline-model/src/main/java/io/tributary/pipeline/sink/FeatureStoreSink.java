package io.tributary.pipeline.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.tributary.pipeline.SecretKeyRef;
import java.util.List;

/**
 * The online feature store. Layout in Redis: key {@code <featureView>:<entity key values joined by
 * ':'>} holds a hash of feature name to value, with a TTL.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureStoreSink(
    @Required
        @Pattern("^[^\\s:]+:[0-9]+$")
        @JsonPropertyDescription("Redis address host:port of the online store.")
        String redisAddress,
    @JsonPropertyDescription("Secret key holding the Redis password (AUTH).")
        SecretKeyRef passwordSecretRef,
    @Min(0) @Max(15) @JsonPropertyDescription("Redis database number (default 0).")
        Integer database,
    @Required
        @Pattern("^[a-z0-9_]+$")
        @JsonPropertyDescription("Feature view name, the Redis key prefix, e.g. customer_features.")
        String featureView,
    @Required
        @Size(min = 1)
        @JsonPropertyDescription("Record fields that identify the entity, e.g. [customer_id].")
        List<String> entityKeys,
    @JsonPropertyDescription("Fields written as features; default: every non-key field.")
        List<String> features,
    @Pattern("^([0-9]+(ms|s|m|h|d))+$")
        @JsonPropertyDescription(
            "Time to live of each entity's features, e.g. 24h (default: none).")
        String ttl) {}

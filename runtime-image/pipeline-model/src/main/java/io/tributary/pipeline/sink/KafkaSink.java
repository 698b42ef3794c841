package io.tributary.pipeline.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.tributary.pipeline.SecretKeyRef;

/** JSON records to a Kafka topic. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KafkaSink(
    @Required
        @Pattern("^[^,\\s]+:[0-9]+(,[^,\\s]+:[0-9]+)*$")
        @JsonPropertyDescription("Bootstrap servers, host:port[,host:port].")
        String bootstrapServers,
    @Required @Pattern("^[a-zA-Z0-9._-]{1,249}$") @JsonPropertyDescription("Topic to produce to.")
        String topic,
    @JsonPropertyDescription(
            "Record field whose value becomes the Kafka key (keeps per-key order); default: the"
                + " input record's key.")
        String keyField,
    @JsonPropertyDescription("Secret key holding a SASL JAAS config line.")
        SecretKeyRef saslJaasSecretRef) {}

package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A node of the pool that has held no Tributary worker since a time. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IdleNode(
    @JsonPropertyDescription("Name of the node.") String node,
    @JsonPropertyDescription(
            "Since when it has held no Tributary worker (RFC 3339); after spec.scaleDownDelay it"
                + " may be removed.")
        String since) {}

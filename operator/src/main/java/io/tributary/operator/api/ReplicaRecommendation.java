package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One entry of the autoscaler's recent history: a recommendation and since when it held. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplicaRecommendation(
    @JsonPropertyDescription("When the autoscaler started recommending this size (RFC 3339).")
        String since,
    @JsonPropertyDescription("Workers recommended from the consumer lag and throughput.")
        Integer replicas) {}

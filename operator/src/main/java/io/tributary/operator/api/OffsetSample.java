package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One reading of the consumer group's offsets, kept to measure throughput. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OffsetSample(
    @JsonPropertyDescription("When the offsets were read (RFC 3339).") String at,
    @JsonPropertyDescription("Committed offsets summed over the input partitions.") Long committed,
    @JsonPropertyDescription("Consumer lag in records at that time.") Long lag,
    @JsonPropertyDescription("Workers ready at that time.") Integer ready) {}

package io.tributary.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Where records that fail validation or a transform go. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetterSpec(
    @Pattern("^[a-zA-Z0-9._-]{1,249}$")
        @JsonPropertyDescription(
            "Kafka topic for rejected records, with headers naming the reason, the step and the"
                + " source position. StreamJob default: <input topic>.dlq.")
        String topic,
    @JsonPropertyDescription(
            "Directory for rejected records of a batch run (JSON Lines). DataPipeline default:"
                + " <lake path>/_rejected when the sink is a lake.")
        String path,
    @Min(0)
        @Max(1)
        @JsonPropertyDescription(
            "Batch runs: fail the run permanently when more than this fraction of the records"
                + " read is rejected (default 0.01).")
        Double maxRejectedRatio) {}

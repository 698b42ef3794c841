package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** How failed runs are retried. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetryPolicy(
    @Min(0)
        @Max(20)
        @JsonPropertyDescription(
            "Retries of a run that failed with a retryable error (default 3). A permanent error"
                + " (bad data above the rejection threshold, invalid configuration) is never"
                + " retried.")
        Integer limit,
    @Pattern("^([0-9]+(ms|s|m|h|d))+$")
        @JsonPropertyDescription("Delay before the first retry, doubled each time (default 30s).")
        String initialBackoff,
    @Pattern("^([0-9]+(ms|s|m|h|d))+$")
        @JsonPropertyDescription("Upper bound of the retry delay (default 10m).")
        String maxBackoff) {}

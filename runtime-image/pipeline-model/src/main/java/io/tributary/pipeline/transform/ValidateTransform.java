package io.tributary.pipeline.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Validates records against the pipeline's schema. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ValidateTransform(
    @JsonPropertyDescription(
            "What to do with an invalid record: deadLetter (default) sends it to the dead-letter"
                + " destination and counts it; drop discards it and counts it as dropped (run"
                + " summary, tributary_worker_records_dropped_total); fail stops the run.")
        OnInvalid onInvalid) {

  /** Invalid record policy. */
  public enum OnInvalid {
    @JsonProperty("deadLetter")
    DEAD_LETTER,
    @JsonProperty("drop")
    DROP,
    @JsonProperty("fail")
    FAIL
  }
}

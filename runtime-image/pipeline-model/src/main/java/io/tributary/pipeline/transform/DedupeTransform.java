package io.tributary.pipeline.transform;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Drops a record whose key was already seen within the window. */
public record DedupeTransform(
    @Required
        @Size(min = 1)
        @JsonPropertyDescription("Fields that together identify a duplicate, e.g. [event_id].")
        List<String> keyFields,
    @Required
        @Pattern("^([0-9]+(ms|s|m|h|d))+$")
        @JsonPropertyDescription("How long a key is remembered, e.g. 10m or 1h30m.")
        String window,
    @Min(1)
        @JsonPropertyDescription(
            "Most keys remembered at once, per input partition (a batch run: per reading"
                + " thread), so memory is bounded by configuration, not by data. When full, the"
                + " key seen longest ago is forgotten first (a later repeat of it passes), counted"
                + " in tributary_worker_state_evictions_total. Default 1000000.")
        Integer maxKeys) {

  /** With the default bound. */
  public DedupeTransform(List<String> keyFields, String window) {
    this(keyFields, window, null);
  }
}

package io.tributary.pipeline.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Per-field normalization rules. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NormalizeTransform(
    @Required @Size(min = 1) @JsonPropertyDescription("Rules, applied in order.")
        List<Rule> rules) {

  /** How to normalize one field. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Rule(
      @Required @JsonPropertyDescription("Field to normalize.") String field,
      @JsonPropertyDescription("Strip leading and trailing white space.") Boolean trim,
      @JsonPropertyDescription("Change the case: lower or upper.") Case toCase,
      @JsonPropertyDescription("Normalize Unicode to NFC (composed form).") Boolean unicodeNfc,
      @JsonPropertyDescription(
              "Parse the value as a timestamp (ISO-8601, epoch millis, or the given pattern) and"
                  + " write ISO-8601 UTC.")
          Boolean timestamp,
      @JsonPropertyDescription(
              "java.time pattern of the input timestamp, e.g. dd/MM/yyyy HH:mm; default: ISO-8601"
                  + " or epoch millis.")
          String timestampPattern,
      @JsonPropertyDescription("Parse the value as a number (accepts strings like \" 1,234.50 \").")
          Boolean number,
      @JsonPropertyDescription("Multiply the numeric value, e.g. 0.001 for grams -> kilograms.")
          Double scale) {}

  /** Target case. */
  public enum Case {
    @JsonProperty("lower")
    LOWER,
    @JsonProperty("upper")
    UPPER
  }
}

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
          Double scale) {

    /**
     * A rule for {@code field} that changes nothing yet; add what it does with the with-methods.
     */
    public static Rule of(String field) {
      return new Rule(field, null, null, null, null, null, null, null);
    }

    public Rule withTrim(boolean trim) {
      return new Rule(field, trim, toCase, unicodeNfc, timestamp, timestampPattern, number, scale);
    }

    public Rule withCase(Case c) {
      return new Rule(field, trim, c, unicodeNfc, timestamp, timestampPattern, number, scale);
    }

    public Rule withUnicodeNfc(boolean nfc) {
      return new Rule(field, trim, toCase, nfc, timestamp, timestampPattern, number, scale);
    }

    public Rule withTimestamp(boolean ts) {
      return new Rule(field, trim, toCase, unicodeNfc, ts, timestampPattern, number, scale);
    }

    public Rule withTimestampPattern(String pattern) {
      return new Rule(field, trim, toCase, unicodeNfc, timestamp, pattern, number, scale);
    }

    public Rule withNumber(boolean num) {
      return new Rule(field, trim, toCase, unicodeNfc, timestamp, timestampPattern, num, scale);
    }

    public Rule withScale(double factor) {
      return new Rule(field, trim, toCase, unicodeNfc, timestamp, timestampPattern, number, factor);
    }
  }

  /** Target case. */
  public enum Case {
    @JsonProperty("lower")
    LOWER,
    @JsonProperty("upper")
    UPPER
  }
}

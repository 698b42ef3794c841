package io.tributary.pipeline.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Tumbling-window aggregation by key. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AggregateTransform(
    @JsonPropertyDescription("Group-by fields; empty means one global group.")
        List<String> keyFields,
    @Required
        @Pattern("^([0-9]+(ms|s|m|h|d))+$")
        @JsonPropertyDescription("Tumbling window length, e.g. 1m or 1h.")
        String window,
    @JsonPropertyDescription(
            "Field with the event time (ISO-8601, or epoch seconds, milliseconds, microseconds or"
                + " nanoseconds, told apart by size); default: processing time.")
        String timestampField,
    @Required @Size(min = 1) @JsonPropertyDescription("Aggregations to compute per key and window.")
        List<Aggregation> aggregations,
    @Min(1)
        @JsonPropertyDescription(
            "Most open (key, window) pairs at once, per input partition (a batch run: per"
                + " reading thread), so memory is bounded by configuration, not by data. A record"
                + " that would open one more is rejected to the dead letters (aggregate state is"
                + " full) and counted. Default 100000.")
        Integer maxWindows) {

  /** With the default bound. */
  public AggregateTransform(
      List<String> keyFields,
      String window,
      String timestampField,
      List<Aggregation> aggregations) {
    this(keyFields, window, timestampField, aggregations, null);
  }

  /** One aggregate column. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "self.function == 'count' || has(self.field)",
      message = "aggregate.aggregations[]: sum, avg, min and max need field")
  public record Aggregation(
      @Required @JsonPropertyDescription("count, sum, avg, min or max.") Function function,
      @JsonPropertyDescription("Numeric input field (not needed for count).") String field,
      @Required
          @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
          @JsonPropertyDescription("Output field name, e.g. txn_count_1m.")
          String as) {}

  /** Aggregate function. */
  public enum Function {
    @JsonProperty("count")
    COUNT,
    @JsonProperty("sum")
    SUM,
    @JsonProperty("avg")
    AVG,
    @JsonProperty("min")
    MIN,
    @JsonProperty("max")
    MAX
  }
}

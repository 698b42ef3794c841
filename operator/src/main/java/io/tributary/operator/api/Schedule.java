package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A cron schedule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// On the class, not the field: Fabric8 copies a rule on a record component twice (field and
// accessor), and the API server refuses duplicate rules. A field is digits, * ? / , - or a
// three-letter month/day name (JAN, MON), so prose like "every day at 2" is refused.
@ValidationRule(
    value =
        "!has(self.cron) ||"
            + " self.cron.matches('^(@(yearly|annually|monthly|weekly|daily|hourly)|(([0-9*/,?-]|[A-Za-z]{3})+\\\\s+){4}([0-9*/,?-]|[A-Za-z]{3})+)$')",
    fieldPath = ".cron",
    message =
        "spec.schedule.cron: use five fields 'minute hour day-of-month month day-of-week', e.g."
            + " '0 2 * * *', or @hourly/@daily/@weekly/@monthly/@yearly")
public record Schedule(
    @Required
        @Size(max = 128)
        @JsonPropertyDescription(
            "Cron expression in five fields (minute hour day-of-month month day-of-week), e.g."
                + " '0 2 * * *' for 02:00 every day, or a macro such as @hourly.")
        String cron,
    @JsonPropertyDescription(
            "IANA time zone the cron expression is read in, e.g. Asia/Dubai (default UTC).")
        @Size(max = 64)
        String timeZone,
    @JsonPropertyDescription(
            "When runs were missed (operator down, pipeline suspended): runOnce (default) starts"
                + " one catch-up run for the latest missed time; skip waits for the next time.")
        MissedRunPolicy missedRuns,
    @JsonPropertyDescription(
            "A missed run older than this is not caught up, e.g. 1h (default: the schedule's"
                + " period).")
        @Pattern("^([0-9]+(ms|s|m|h|d))+$")
        String startingDeadline) {

  /** A schedule of {@code cron} in UTC, with the default missed-run policy and deadline. */
  public static Schedule of(String cron) {
    return new Schedule(cron, null, null, null);
  }

  /** What to do about missed schedule times. */
  public enum MissedRunPolicy {
    @JsonProperty("runOnce")
    RUN_ONCE,
    @JsonProperty("skip")
    SKIP
  }
}

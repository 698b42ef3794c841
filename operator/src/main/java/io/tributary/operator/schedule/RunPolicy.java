package io.tributary.operator.schedule;

import io.tributary.operator.api.ConcurrencyPolicy;
import io.tributary.operator.api.DataPipelineSpec;
import io.tributary.operator.api.RetryPolicy;
import io.tributary.operator.api.Schedule;
import io.tributary.pipeline.Durations;
import java.time.Duration;
import java.util.Optional;

/**
 * A pipeline's run settings with every default applied.
 *
 * @param retryLimit retries after the first attempt
 * @param initialBackoff delay before the first retry, doubled for each later one
 * @param maxBackoff bound of the delay
 * @param concurrency what to do when a run is due while one is in progress
 * @param historyLimit finished runs kept in status and as Jobs
 * @param cron the schedule, if any
 * @param missedRuns what to do about schedule times missed while down or suspended
 * @param startingDeadline how late a missed schedule time may still start, if bounded
 */
public record RunPolicy(
    int retryLimit,
    Duration initialBackoff,
    Duration maxBackoff,
    ConcurrencyPolicy concurrency,
    int historyLimit,
    Optional<Cron> cron,
    Schedule.MissedRunPolicy missedRuns,
    Optional<Duration> startingDeadline) {

  public static final int DEFAULT_RETRY_LIMIT = 3;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(10);
  public static final int DEFAULT_HISTORY_LIMIT = 10;

  /**
   * @throws IllegalArgumentException naming the field and the fix, for a bad cron, time zone or
   *     duration
   */
  public static RunPolicy of(DataPipelineSpec spec) {
    RetryPolicy r = spec.retries();
    Schedule s = spec.schedule();
    return new RunPolicy(
        r != null && r.limit() != null ? r.limit() : DEFAULT_RETRY_LIMIT,
        duration("spec.retries.initialBackoff", r != null ? r.initialBackoff() : null)
            .orElse(DEFAULT_INITIAL_BACKOFF),
        duration("spec.retries.maxBackoff", r != null ? r.maxBackoff() : null)
            .orElse(DEFAULT_MAX_BACKOFF),
        spec.concurrencyPolicy() != null ? spec.concurrencyPolicy() : ConcurrencyPolicy.FORBID,
        spec.historyLimit() != null ? spec.historyLimit() : DEFAULT_HISTORY_LIMIT,
        s == null ? Optional.empty() : Optional.of(Cron.parse(s.cron(), s.timeZone())),
        s != null && s.missedRuns() != null ? s.missedRuns() : Schedule.MissedRunPolicy.RUN_ONCE,
        duration("spec.schedule.startingDeadline", s != null ? s.startingDeadline() : null));
  }

  /** The problem with the spec's run settings, naming the field and the fix; empty when valid. */
  public static Optional<String> validate(DataPipelineSpec spec) {
    try {
      of(spec);
      duration("spec.runTimeout", spec.runTimeout());
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** Delay before retry {@code attempt} + 1, after attempt {@code attempt} failed. */
  public Duration backoff(int attempt) {
    Duration d = initialBackoff;
    for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) d = d.multipliedBy(2);
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  private static Optional<Duration> duration(String field, String text) {
    if (text == null) return Optional.empty();
    try {
      return Optional.of(Durations.parse(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage());
    }
  }
}

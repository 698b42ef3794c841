package io.tributary.operator.schedule;

import io.tributary.operator.render.Names;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.stream.Collectors;

/**
 * Deterministic run ids: the same trigger always names the same run, so a reconcile that repeats
 * (stale cache, crash between creating a Job and writing status) finds the run instead of starting
 * it twice.
 */
public final class RunIds {
  public static final String TRIGGER_SPEC = "spec";
  public static final String TRIGGER_SCHEDULE = "schedule";
  public static final String TRIGGER_RUN_NOW = "runNow";
  public static final String TRIGGER_DEPENDS_ON = "dependsOn";

  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

  private RunIds() {}

  /** The run of spec generation {@code generation}: {@code g3}. */
  public static String spec(long generation) {
    return "g" + generation;
  }

  /** The run due at {@code time}, named by its UTC minute: {@code s202611250200}. */
  public static String schedule(Instant time) {
    return "s" + MINUTE.format(time);
  }

  /** The run a tributary.io/run-now value asked for: {@code n} + 10 hex of its SHA-256. */
  public static String runNow(String annotation) {
    return "n" + Names.sha256(annotation).substring(0, 10);
  }

  /**
   * The run after a set of upstream successes: {@code u} + 10 hex of the SHA-256 of the sorted
   * {@code name=runId} pairs. Names are included because two upstreams may have equal run ids (both
   * at {@code g1}); ids alone would make different sets collide.
   */
  public static String dependsOn(SortedMap<String, String> upstreamRuns) {
    return "u" + Names.sha256(pairs(upstreamRuns)).substring(0, 10);
  }

  /** {@code a=g1,b=s202611250200}, as kept in RunRecord.upstreamRuns. */
  public static String pairs(Map<String, String> upstreamRuns) {
    return upstreamRuns.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  /** The schedule time a schedule run id names, if {@code runId} is one. */
  public static Optional<Instant> scheduledTime(String runId) {
    if (runId == null || !runId.matches("s[0-9]{12}")) return Optional.empty();
    return Optional.of(
        LocalDateTime.parse(runId.substring(1), DateTimeFormatter.ofPattern("yyyyMMddHHmm"))
            .toInstant(ZoneOffset.UTC));
  }
}

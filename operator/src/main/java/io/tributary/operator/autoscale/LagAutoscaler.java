package io.tributary.operator.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Sizes a StreamJob's workers from consumer-group lag. Scale-up is immediate (lag costs freshness
 * now); scale-down takes the highest recommendation seen over the stabilization window, so a brief
 * lull does not shed workers that are needed a minute later. Never more workers than partitions (an
 * idle consumer helps no one), never outside [min, max]; zero only when min is zero and there is no
 * lag at all.
 *
 * <p>Pure and deterministic: time comes in as arguments. One instance per StreamJob holds the
 * recent recommendations.
 */
public final class LagAutoscaler {
  /**
   * The bounds of one job.
   *
   * @param targetLagPerReplica lag one worker is expected to absorb
   */
  public record Bounds(int min, int max, long targetLagPerReplica, Duration stabilization) {}

  /** A decision and why, for status messages and logs. */
  public record Decision(int replicas, String reason) {}

  private record Recommendation(Instant at, int replicas) {}

  private final Deque<Recommendation> window = new ArrayDeque<>();

  /**
   * @param current workers now
   * @param lag total records behind across the job's partitions
   * @param partitions partitions of the input topics
   */
  public Decision decide(int current, long lag, int partitions, Bounds b, Instant now) {
    int ceiling = Math.max(b.min(), Math.min(b.max(), Math.max(partitions, 1)));
    int raw;
    if (lag <= 0) {
      raw = b.min() == 0 ? 0 : b.min();
    } else {
      raw =
          (int)
              Math.min(
                  Integer.MAX_VALUE, (lag + b.targetLagPerReplica() - 1) / b.targetLagPerReplica());
    }
    int recommended = Math.max(b.min(), Math.min(ceiling, raw));
    window.addLast(new Recommendation(now, recommended));
    while (!window.isEmpty() && window.peekFirst().at().isBefore(now.minus(b.stabilization()))) {
      window.removeFirst();
    }
    if (recommended >= current) {
      String why =
          recommended == current
              ? "lag " + lag + " fits " + current + " workers"
              : "lag "
                  + lag
                  + " needs "
                  + recommended
                  + " workers at "
                  + b.targetLagPerReplica()
                  + " per worker";
      if (recommended == ceiling && raw > ceiling)
        why += " (capped at " + ceiling + ": maxReplicas/partitions)";
      return new Decision(recommended, why);
    }
    int stable = window.stream().mapToInt(Recommendation::replicas).max().orElse(recommended);
    int target = Math.min(current, stable);
    String why =
        target < current
            ? "lag "
                + lag
                + " stayed low for "
                + b.stabilization().toSeconds()
                + "s: scaling down to "
                + target
            : "lag "
                + lag
                + " is low; holding "
                + current
                + " workers for the stabilization window";
    return new Decision(target, why);
  }
}

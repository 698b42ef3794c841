package io.tributary.operator.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Sizes a StreamJob's workers from consumer-group lag. Scale-up is immediate (lag costs freshness
 * now); scale-down takes the highest recommendation seen over the stabilization window, so a brief
 * lull does not shed workers that are needed a minute later. Never more workers than partitions (an
 * idle consumer helps no one), never outside [min, max]; zero only when min is zero and there is no
 * lag at all.
 *
 * <p>Pure and stateless: the recent recommendations come in and go out with each decision, so the
 * caller keeps them where they survive an operator restart and vanish with the job (its status).
 * The history is run-length encoded (an entry only when the recommendation changes), so a steady
 * lag adds nothing and a resync writes nothing.
 */
public final class LagAutoscaler {
  /** Entries kept at most; older ones go first (they are the least likely to still count). */
  public static final int MAX_HISTORY = 10;

  /**
   * The bounds of one job.
   *
   * @param targetLagPerReplica lag one worker is expected to absorb
   */
  public record Bounds(int min, int max, long targetLagPerReplica, Duration stabilization) {}

  /** From {@code since} until the next entry, the autoscaler recommended {@code replicas}. */
  public record Recommendation(Instant since, int replicas) {}

  /**
   * A decision and why, for status messages and logs.
   *
   * @param history the recommendations to pass to the next decision
   */
  public record Decision(int replicas, String reason, List<Recommendation> history) {}

  private LagAutoscaler() {}

  /**
   * @param current workers now
   * @param lag total records behind across the job's partitions
   * @param partitions partitions of the input topics
   * @param history what the previous decision returned (empty for a new job)
   */
  public static Decision decide(
      int current, long lag, int partitions, Bounds b, List<Recommendation> history, Instant now) {
    int ceiling = Math.max(b.min(), Math.min(b.max(), Math.max(partitions, 1)));
    int raw;
    if (lag <= 0) {
      raw = b.min();
    } else {
      raw =
          (int)
              Math.min(
                  Integer.MAX_VALUE, (lag + b.targetLagPerReplica() - 1) / b.targetLagPerReplica());
    }
    int recommended = Math.max(b.min(), Math.min(ceiling, raw));
    List<Recommendation> window = remember(history, recommended, now, b.stabilization());
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
      return new Decision(recommended, why, window);
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
    return new Decision(target, why, window);
  }

  /**
   * The history with {@code recommended} added when it differs from the last entry, without the
   * entries that ended before the window began (an entry lasts until the next one starts).
   */
  static List<Recommendation> remember(
      List<Recommendation> history, int recommended, Instant now, Duration stabilization) {
    List<Recommendation> out = new ArrayList<>(history == null ? List.of() : history);
    if (out.isEmpty() || out.get(out.size() - 1).replicas() != recommended) {
      out.add(new Recommendation(now, recommended));
    }
    Instant windowStart = now.minus(stabilization);
    while (out.size() > 1 && !out.get(1).since().isAfter(windowStart)) out.remove(0);
    while (out.size() > MAX_HISTORY) out.remove(0);
    return List.copyOf(out);
  }
}

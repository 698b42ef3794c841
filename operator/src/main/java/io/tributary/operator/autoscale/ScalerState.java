package io.tributary.operator.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the autoscaler remembers between decisions. It comes in and goes out with each decision, so
 * the caller keeps it where it survives an operator restart or a leader change and vanishes with
 * the job: the job's status. Everything in it is bounded.
 *
 * @param recommendations recent recommendations, run-length encoded: an entry only when the
 *     recommendation changes, so a steady lag adds nothing and a resync writes nothing
 * @param samples recent offset readings, from which throughput is measured
 * @param capacity what one ready worker can consume, measured or at least; null when no worker was
 *     ever seen consuming
 * @param lastScaleUp when workers were last added, or null
 * @param lastScaleDown when workers were last removed, or null
 */
public record ScalerState(
    List<Recommendation> recommendations,
    List<Sample> samples,
    Capacity capacity,
    Instant lastScaleUp,
    Instant lastScaleDown) {

  /** Recommendations kept at most; older ones go first (they are the least likely to count). */
  public static final int MAX_RECOMMENDATIONS = 10;

  /** Samples kept at most. */
  public static final int MAX_SAMPLES = 6;

  /** A new job's state. */
  public static final ScalerState EMPTY = new ScalerState(List.of(), List.of(), null, null, null);

  public ScalerState {
    recommendations = recommendations == null ? List.of() : List.copyOf(recommendations);
    samples = samples == null ? List.of() : List.copyOf(samples);
  }

  /** From {@code since} until the next entry, the autoscaler recommended {@code replicas}. */
  public record Recommendation(Instant since, int replicas) {}

  /**
   * An offset reading and how many workers were ready when it was taken.
   *
   * @param committed committed offsets summed over partitions
   * @param lag records behind, summed over partitions
   */
  public record Sample(Instant at, long committed, long lag, int ready) {}

  /**
   * What one ready worker can consume.
   *
   * @param recordsPerSecond what one consumed while records were waiting for it, when {@code
   *     measured}; otherwise the most one was seen to consume, which it can do at least
   * @param measuredAt when it was last measured or raised
   * @param measured whether the workers were seen with records waiting: what they consumed then is
   *     what they can do, rather than what the records arriving let them do
   */
  public record Capacity(double recordsPerSecond, Instant measuredAt, boolean measured) {
    /** What one worker consumed with records waiting for it. */
    public static Capacity measured(double recordsPerSecond, Instant at) {
      return new Capacity(recordsPerSecond, at, true);
    }

    /** The most one worker was seen to consume: it can do at least that. */
    public static Capacity atLeast(double recordsPerSecond, Instant at) {
      return new Capacity(recordsPerSecond, at, false);
    }
  }

  /**
   * The history with {@code recommended} added when it differs from the last entry, without the
   * entries that ended before the window began (an entry lasts until the next one starts).
   */
  static List<Recommendation> remember(
      List<Recommendation> history, int recommended, Instant now, Duration window) {
    List<Recommendation> out = new ArrayList<>(history);
    if (out.isEmpty() || out.get(out.size() - 1).replicas() != recommended) {
      out.add(new Recommendation(now, recommended));
    }
    Instant windowStart = now.minus(window);
    while (out.size() > 1 && !out.get(1).since().isAfter(windowStart)) out.remove(0);
    while (out.size() > MAX_RECOMMENDATIONS) out.remove(0);
    return List.copyOf(out);
  }

  /**
   * The samples with {@code reading} added when it is a new reading that moved (an unchanged one
   * adds nothing, so an idle job's status does not change) and at least a fifth of the window after
   * the last one; without the samples that ended before the window began.
   */
  static List<Sample> withSample(List<Sample> samples, Sample reading, Duration window) {
    List<Sample> out = new ArrayList<>(samples);
    Sample last = out.isEmpty() ? null : out.get(out.size() - 1);
    boolean add =
        last == null
            || (reading.at().isAfter(last.at())
                && (reading.committed() != last.committed() || reading.lag() != last.lag())
                && !reading.at().isBefore(last.at().plus(window.dividedBy(5))));
    if (add) out.add(reading);
    Instant windowStart = reading.at().minus(window);
    while (out.size() > 1 && !out.get(1).at().isAfter(windowStart)) out.remove(0);
    while (out.size() > MAX_SAMPLES) out.remove(0);
    return List.copyOf(out);
  }
}

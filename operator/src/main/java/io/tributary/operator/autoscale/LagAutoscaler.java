package io.tributary.operator.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Sizes a StreamJob's workers from consumer-group lag and observed throughput: enough workers to
 * keep up with the records arriving and drain the backlog within the target drain time, at the
 * throughput one worker was seen to reach when records were waiting for it (lag beyond the records
 * in flight). Until that throughput is known, one worker per {@code targetLagPerReplica} records of
 * lag, but no more than the records arriving and the backlog need at the rate one worker was seen
 * to consume, and no fewer than now unless the fewer are known to take the records arriving. Never
 * more workers than partitions (an idle consumer helps no one), never outside [min, max].
 *
 * <p>Up at once, since lag costs freshness now; but not again while the workers asked for last are
 * still not ready (they are not capacity yet, and the lag they leave would look like a need for
 * more), up to {@code readyTimeout}. Down only when the recommendation stayed lower for the whole
 * stabilization window, by at most {@code scaleDownPercent} per step and one step per window, so a
 * lull does not shed workers needed a minute later. Zero only when {@code minReplicas} is 0 and the
 * job was idle (no lag, nothing consumed or arriving) for the window; from zero, up when the lag
 * exceeds the activation threshold. Without a reading the size is held: missing data is never a
 * reason to scale.
 *
 * <p>Pure: everything it remembers comes in and goes out as {@link ScalerState}, which the caller
 * keeps in the job's status. Drive it from a trace by feeding each decision's state to the next.
 */
public final class LagAutoscaler {
  private LagAutoscaler() {}

  /**
   * What the autoscaler sees at one moment.
   *
   * @param reading the latest lag reading, or null when it is missing or failed
   * @param current workers the Deployment asks for now
   * @param ready workers the Deployment reports ready
   */
  public record Observation(Instant now, LagReading reading, int current, int ready) {}

  /**
   * A decision and why.
   *
   * @param message for status, Events and logs
   * @param state what to pass to the next decision
   * @param throughput the rates measured, or null when unknown
   */
  public record Decision(
      int replicas, ScaleReason reason, String message, ScalerState state, Throughput throughput) {}

  public static Decision decide(ScalingPolicy p, ScalerState state, Observation o) {
    int current = o.current();
    Instant now = o.now();
    LagReading r = o.reading();
    if (r == null) {
      int held = clamp(current, p.minReplicas(), p.maxReplicas());
      return new Decision(
          held,
          ScaleReason.NoReading,
          "consumer lag unknown: holding " + workers(held) + " until it can be read",
          state,
          null);
    }
    ScalerState.Sample sample = new ScalerState.Sample(r.at(), r.committed(), r.lag(), o.ready());
    Optional<Throughput> rates = Throughput.of(state.samples(), sample, p);
    ScalerState.Capacity capacity = capacity(state.capacity(), rates, now);
    List<ScalerState.Sample> samples =
        ScalerState.withSample(state.samples(), sample, p.rateWindow());
    Throughput t = rates.orElse(null);

    int ceiling = Math.max(p.minReplicas(), Math.min(p.maxReplicas(), Math.max(r.partitions(), 1)));
    Sizing sizing = Sizing.of(p, r.lag(), t, capacity, current);
    int recommended = clamp(sizing.workers(), p.minReplicas(), ceiling);
    String why = sizing.why();
    if (recommended < sizing.workers() && recommended == ceiling) {
      why += " (capped at " + ceiling + ": maxReplicas/partitions)";
    }
    // Recommendations made before a stretch without readings say nothing about that stretch: after
    // one, a scale-down waits for a whole window of readings again, as for a new job.
    List<ScalerState.Recommendation> before =
        sawTheOffsetsMove(state.samples(), sample, p) ? state.recommendations() : List.of();
    List<ScalerState.Recommendation> history =
        ScalerState.remember(before, recommended, now, p.stabilization());
    Next next = new Next(history, samples, capacity, state.lastScaleUp(), state.lastScaleDown(), t);

    if (current > p.maxReplicas()) {
      return next.down(
          p.maxReplicas(), ScaleReason.Bounds, "maxReplicas is " + p.maxReplicas(), now);
    }
    if (current < p.minReplicas()) {
      return next.up(
          recommended, ScaleReason.Bounds, "minReplicas is " + p.minReplicas() + "; " + why, now);
    }
    if (current == 0 && r.lag() <= p.activationLagThreshold()) {
      return next.hold(
          0,
          ScaleReason.Idle,
          "lag "
              + r.lag()
              + " is not above activationLagThreshold "
              + p.activationLagThreshold()
              + ": staying at zero workers");
    }
    if (recommended > current) return up(p, state, o, sizing, recommended, ceiling, why, next);
    if (recommended == current) return next.hold(current, ScaleReason.Steady, why);
    return down(p, state, now, current, history, why, next);
  }

  /**
   * Up at once, unless the workers asked for last are still starting: then only as far as the
   * arrival rate alone needs, since the lag that piles up while they start is no reason for more.
   */
  private static Decision up(
      ScalingPolicy p,
      ScalerState state,
      Observation o,
      Sizing sizing,
      int recommended,
      int ceiling,
      String why,
      Next next) {
    int current = o.current();
    Instant now = o.now();
    boolean waiting =
        current > 0
            && o.ready() < current
            && state.lastScaleUp() != null
            && now.isBefore(state.lastScaleUp().plus(p.readyTimeout()));
    if (waiting) {
      int keepUp = clamp(sizing.keepUp(), p.minReplicas(), ceiling);
      String pending = o.ready() + " of the " + current + " workers asked for are ready";
      if (keepUp > current) {
        return next.up(
            keepUp,
            ScaleReason.ScaleUp,
            why
                + "; "
                + pending
                + ": adding only the "
                + workers(keepUp)
                + " the arrival rate needs until they are",
            now);
      }
      return next.hold(
          current,
          ScaleReason.WaitingForReady,
          why
              + "; but only "
              + pending
              + ": adding more when they are, or at "
              + state.lastScaleUp().plus(p.readyTimeout()));
    }
    if (current == 0) {
      return next.up(
          recommended,
          ScaleReason.Wake,
          "lag "
              + o.reading().lag()
              + " is above activationLagThreshold "
              + p.activationLagThreshold()
              + "; "
              + why,
          now);
    }
    return next.up(recommended, ScaleReason.ScaleUp, why, now);
  }

  /**
   * Down only when every recommendation over a whole window was lower, by at most scaleDownPercent,
   * one step per window.
   */
  private static Decision down(
      ScalingPolicy p,
      ScalerState state,
      Instant now,
      int current,
      List<ScalerState.Recommendation> history,
      String why,
      Next next) {
    int stable = history.stream().mapToInt(ScalerState.Recommendation::replicas).max().orElse(0);
    // Only a whole window of lower recommendations counts: a new job, or one whose memory was
    // lost, has not watched long enough to know that a lull is more than a lull.
    boolean watchedLongEnough = !history.get(0).since().isAfter(now.minus(p.stabilization()));
    if (stable >= current || !watchedLongEnough) {
      return next.hold(
          current,
          ScaleReason.Stabilizing,
          why
              + "; holding "
              + workers(current)
              + " until that holds for "
              + human(p.stabilization())
              + " (scale-down stabilization)");
    }
    if (state.lastScaleDown() != null
        && now.isBefore(state.lastScaleDown().plus(p.stabilization()))) {
      return next.hold(
          current,
          ScaleReason.StepPause,
          why
              + "; holding "
              + workers(current)
              + ": one scale-down step per "
              + human(p.stabilization())
              + ", the next at "
              + state.lastScaleDown().plus(p.stabilization()));
    }
    int step = Math.max(1, current * p.scaleDownPercent() / 100);
    int target = Math.max(stable, current - step);
    int latest = history.get(history.size() - 1).replicas();
    String message =
        stable > latest
            ? why + "; " + workers(stable) + " at most over the last " + human(p.stabilization())
            : why + " for " + human(p.stabilization());
    if (target > stable) message += "; " + p.scaleDownPercent() + "% at most per step";
    return next.down(
        target, target == 0 ? ScaleReason.ScaleToZero : ScaleReason.ScaleDown, message, now);
  }

  /**
   * Whether readings came in while the offsets moved up to {@code reading}: false when the offsets
   * moved since the last sample and that is older than the rate window (the lag could not be read
   * meanwhile, or the operator was down). Offsets that did not move say the same whether read or
   * not: an idle job's samples do not change.
   */
  private static boolean sawTheOffsetsMove(
      List<ScalerState.Sample> samples, ScalerState.Sample reading, ScalingPolicy p) {
    if (samples.isEmpty()) return true;
    ScalerState.Sample last = samples.get(samples.size() - 1);
    boolean moved = reading.committed() != last.committed() || reading.lag() != last.lag();
    return !moved || !reading.at().isAfter(last.at().plus(p.rateWindow()));
  }

  /**
   * A measurement while records were waiting for the workers is what they can do; a higher rate
   * seen at any time shows they can do at least that, more than was thought.
   */
  static ScalerState.Capacity capacity(
      ScalerState.Capacity old, Optional<Throughput> rates, Instant now) {
    if (rates.isEmpty()) return old;
    Double saturated = rates.get().saturatedPerReadyWorker();
    if (saturated != null && saturated > 0) {
      return ScalerState.Capacity.measured(round(saturated), now);
    }
    Double seen = rates.get().perReadyWorker();
    if (seen == null || round(seen) <= 0) return old;
    if (old == null) return ScalerState.Capacity.atLeast(round(seen), now);
    if (round(seen) > old.recordsPerSecond()) {
      return new ScalerState.Capacity(round(seen), now, old.measured());
    }
    return old;
  }

  /** Builds decisions that carry the state forward. */
  private record Next(
      List<ScalerState.Recommendation> history,
      List<ScalerState.Sample> samples,
      ScalerState.Capacity capacity,
      Instant lastUp,
      Instant lastDown,
      Throughput throughput) {
    Decision hold(int replicas, ScaleReason reason, String message) {
      return decision(replicas, reason, message, lastUp, lastDown);
    }

    Decision up(int replicas, ScaleReason reason, String message, Instant now) {
      return decision(replicas, reason, message, now, lastDown);
    }

    Decision down(int replicas, ScaleReason reason, String message, Instant now) {
      return decision(replicas, reason, message, lastUp, now);
    }

    private Decision decision(
        int replicas, ScaleReason reason, String message, Instant up, Instant down) {
      return new Decision(
          replicas,
          reason,
          message,
          new ScalerState(history, samples, capacity, up, down),
          throughput);
    }
  }

  private static int clamp(int v, int min, int max) {
    return Math.max(min, Math.min(max, v));
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  static String rate(double v) {
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v);
  }

  static String workers(int n) {
    return n == 1 ? "1 worker" : n + " workers";
  }

  /** 5m, 90s, 2h: how the spec spells durations. */
  static String human(Duration d) {
    long s = d.toSeconds();
    if (s > 0 && s % 3600 == 0) return s / 3600 + "h";
    if (s > 0 && s % 60 == 0) return s / 60 + "m";
    if (d.toMillis() % 1000 != 0) return d.toMillis() + "ms";
    return s + "s";
  }
}

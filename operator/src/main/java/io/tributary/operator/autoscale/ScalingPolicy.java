package io.tributary.operator.autoscale;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * How one job is autoscaled: the spec's {@code autoscaling} with every default applied. The
 * defaults live here and nowhere else; docs/crds.md explains them.
 *
 * @param minReplicas fewest workers; 0 allows scale to zero
 * @param maxReplicas most workers (the partition count caps it too)
 * @param targetDrainTime a backlog should be gone within this time, on top of keeping up with the
 *     records arriving
 * @param targetLagPerReplica records of lag one worker is assumed to absorb while the workers'
 *     throughput has not been measured yet (a new job, or one that never had a backlog)
 * @param stabilization how long the recommendation must stay below the current size before a
 *     scale-down step, and the pause between two steps
 * @param scaleDownPercent most workers one scale-down step removes, in percent of the current size
 *     (at least one)
 * @param activationLagThreshold a job at zero workers wakes when its lag exceeds this
 * @param readyTimeout how long a scale-up waits for the workers it asked for to become ready before
 *     it may add more
 * @param rateWindow how far back throughput is measured from offset readings
 * @param commitInterval how often the workers commit offsets: records consumed but not committed
 *     yet count as lag, so a lag of a few commit intervals' worth is in flight, not a backlog
 */
public record ScalingPolicy(
    int minReplicas,
    int maxReplicas,
    Duration targetDrainTime,
    long targetLagPerReplica,
    Duration stabilization,
    int scaleDownPercent,
    long activationLagThreshold,
    Duration readyTimeout,
    Duration rateWindow,
    Duration commitInterval) {

  /**
   * As long as the stabilization window: workers added to drain a backlog stay for the window
   * anyway, so draining faster buys workers that then idle, and draining slower leaves data stale
   * when the window would let them go.
   */
  public static final Duration DEFAULT_TARGET_DRAIN_TIME = Duration.ofMinutes(5);

  public static final long DEFAULT_TARGET_LAG_PER_REPLICA = 1000;

  /** KEDA's and the HPA's default cooldown, so the behaviour is what users expect. */
  public static final Duration DEFAULT_STABILIZATION = Duration.ofMinutes(5);

  /**
   * Halving: from 1,024 workers to one in ten steps, and each step keeps at least half of the
   * capacity, so a lull that ends mid-way does not leave the job far too small. One worker per step
   * would take hours for large jobs; dropping straight to the recommendation (the HPA default) is
   * what makes lag-driven autoscalers flap.
   */
  public static final int DEFAULT_SCALE_DOWN_PERCENT = 50;

  /** KEDA's activationLagThreshold default: any record waiting wakes a job at zero. */
  public static final long DEFAULT_ACTIVATION_LAG_THRESHOLD = 0;

  /**
   * Long enough for a node from a pool autoscaler to join and pull the worker image (typically two
   * to four minutes on clouds), short enough that a pod stuck for good does not freeze scaling.
   */
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofMinutes(5);

  /**
   * Four readings at the default 30 s poll: smooths commit steps, follows a ramp within minutes.
   */
  public static final Duration DEFAULT_RATE_WINDOW = Duration.ofMinutes(2);

  /** The plan's default commit interval (spec.checkpointInterval). */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(1);

  public ScalingPolicy {
    if (minReplicas < 0 || maxReplicas < Math.max(1, minReplicas)) {
      throw new IllegalArgumentException(
          "bounds must satisfy 0 <= min <= max, max >= 1: " + minReplicas + ", " + maxReplicas);
    }
    if (targetLagPerReplica < 1) throw new IllegalArgumentException("targetLagPerReplica < 1");
    if (scaleDownPercent < 1 || scaleDownPercent > 100) {
      throw new IllegalArgumentException("scaleDownPercent outside 1..100: " + scaleDownPercent);
    }
    if (targetDrainTime.isZero() || targetDrainTime.isNegative()) {
      throw new IllegalArgumentException("targetDrainTime must be positive");
    }
  }

  /** Bounds with every other setting at its default. */
  public static ScalingPolicy of(int minReplicas, int maxReplicas) {
    return new ScalingPolicy(
        minReplicas,
        maxReplicas,
        DEFAULT_TARGET_DRAIN_TIME,
        DEFAULT_TARGET_LAG_PER_REPLICA,
        DEFAULT_STABILIZATION,
        DEFAULT_SCALE_DOWN_PERCENT,
        DEFAULT_ACTIVATION_LAG_THRESHOLD,
        DEFAULT_READY_TIMEOUT,
        DEFAULT_RATE_WINDOW,
        DEFAULT_COMMIT_INTERVAL);
  }

  /**
   * Seconds of records that are in flight rather than behind: up to one commit interval uncommitted
   * in each worker, another while a commit is written, and a few seconds of fetch buffers and
   * reading skew. Lag up to that many seconds' worth of what the workers consume is no backlog.
   */
  public double inFlightSeconds() {
    return 2 * commitInterval.toMillis() / 1000.0 + 5;
  }

  public ScalingPolicy withTargetDrainTime(Duration v) {
    return edit(b -> b.targetDrainTime = v);
  }

  public ScalingPolicy withTargetLagPerReplica(long v) {
    return edit(b -> b.targetLagPerReplica = v);
  }

  public ScalingPolicy withStabilization(Duration v) {
    return edit(b -> b.stabilization = v);
  }

  public ScalingPolicy withScaleDownPercent(int v) {
    return edit(b -> b.scaleDownPercent = v);
  }

  public ScalingPolicy withActivationLagThreshold(long v) {
    return edit(b -> b.activationLagThreshold = v);
  }

  public ScalingPolicy withReadyTimeout(Duration v) {
    return edit(b -> b.readyTimeout = v);
  }

  public ScalingPolicy withRateWindow(Duration v) {
    return edit(b -> b.rateWindow = v);
  }

  public ScalingPolicy withCommitInterval(Duration v) {
    return edit(b -> b.commitInterval = v);
  }

  /** A copy with one setting changed; the only place that lists every component. */
  private ScalingPolicy edit(Consumer<Copy> change) {
    Copy c = new Copy();
    c.targetDrainTime = targetDrainTime;
    c.targetLagPerReplica = targetLagPerReplica;
    c.stabilization = stabilization;
    c.scaleDownPercent = scaleDownPercent;
    c.activationLagThreshold = activationLagThreshold;
    c.readyTimeout = readyTimeout;
    c.rateWindow = rateWindow;
    c.commitInterval = commitInterval;
    change.accept(c);
    return new ScalingPolicy(
        minReplicas,
        maxReplicas,
        c.targetDrainTime,
        c.targetLagPerReplica,
        c.stabilization,
        c.scaleDownPercent,
        c.activationLagThreshold,
        c.readyTimeout,
        c.rateWindow,
        c.commitInterval);
  }

  private static final class Copy {
    Duration targetDrainTime;
    long targetLagPerReplica;
    Duration stabilization;
    int scaleDownPercent;
    long activationLagThreshold;
    Duration readyTimeout;
    Duration rateWindow;
    Duration commitInterval;
  }
}

package io.tributary.operator.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user gets from a KEDA {@code ScaledObject} with one {@code kafka} trigger and nothing else
 * set, as a {@link StreamWorld.Scaler}: KEDA's operator loop, the HorizontalPodAutoscaler KEDA
 * creates, and the Kafka scaler's metric, each with its defaults. For {@code AutoscalingBenchmark}
 * to compare against; not Tributary code, and a model, not KEDA.
 *
 * <p>What it models, and where the defaults come from:
 *
 * <ul>
 *   <li><b>KEDA's operator loop</b>, every {@code pollingInterval} (default 30 s), only activates
 *       and deactivates: from 0 to {@code max(minReplicaCount, 1)} when the lag is above {@code
 *       activationLagThreshold} (default 0), and to 0 (only with {@code minReplicaCount} 0) once no
 *       trigger was active for {@code cooldownPeriod} (default 300 s). Between 1 and N the HPA
 *       decides. Defaults: keda.sh/docs/latest/reference/scaledobject-spec ({@code pollingInterval:
 *       30 # Optional. Default: 30 seconds}, {@code cooldownPeriod: 300 # Optional. Default: 300
 *       seconds}); kedacore/keda {@code pkg/scaling/executor/scale_scaledobjects.go}.
 *   <li><b>The Kafka scaler's metric</b>: the group's total lag over all partitions, capped at
 *       partitions × {@code lagThreshold} because {@code allowIdleConsumers} is false by default
 *       (kedacore/keda {@code pkg/scalers/kafka_scaler.go}, {@code getTotalLag}), exposed as an
 *       external metric of target type {@code AverageValue} {@code lagThreshold} (default 10;
 *       keda.sh/docs/latest/scalers/apache-kafka: "lagThreshold - Average target value to trigger
 *       scaling actions. (Default: 10, Optional)"). KEDA's metrics server reads Kafka on each HPA
 *       request ({@code useCachedMetrics} is false by default), so the HPA sees the lag of the
 *       moment it syncs.
 *   <li><b>The HPA</b>, every sync period (kube-controller-manager {@code
 *       --horizontal-pod-autoscaler-sync-period}, default 15 s): for an {@code AverageValue}
 *       external metric, {@code ceil(metric / target)} replicas unless {@code metric / (target ×
 *       replicas)} is within the tolerance 0.1 of 1 (kubernetes {@code
 *       pkg/controller/podautoscaler/replica_calculator.go}, {@code
 *       GetExternalPerPodMetricReplicas}: ready or not, pods do not enter an external metric). KEDA
 *       does not set the HPA's {@code behavior} unless {@code
 *       advanced.horizontalPodAutoscalerConfig.behavior} is set, so the controller's path without
 *       one applies ({@code normalizeDesiredReplicas}): a scale-down takes the highest
 *       recommendation of the last 300 s ({@code
 *       --horizontal-pod-autoscaler-downscale-stabilization} default 5m), a scale-up at most to
 *       {@code max(2 × current, 4)} per sync ({@code scaleUpLimitFactor} 2, {@code
 *       scaleUpLimitMinimum} 4). That is the documented default behaviour (scale-up: 100% or 4 pods
 *       per 15 s, no stabilization; scale-down: 100% per 15 s after a 300 s stabilization window;
 *       k8s.io/api autoscaling/v2 {@code HPAScalingRules}), except that from 1–3 replicas the path
 *       without {@code behavior} goes to at most 4, not current + 4.
 *   <li><b>A failed lag read</b>: the HPA keeps the size (FailedGetExternalMetric), and KEDA does
 *       not deactivate on an error; {@code fallback} is not set by default.
 * </ul>
 *
 * <p>Not modelled: the time the HPA's metric request and KEDA's Kafka calls take, and the jitter of
 * the controllers' periods (each runs at a fixed phase here; the benchmark sweeps the phases).
 */
final class KedaHpaModel implements StreamWorld.Scaler {
  static final Duration POLLING_INTERVAL = Duration.ofSeconds(30);
  static final Duration COOLDOWN_PERIOD = Duration.ofSeconds(300);
  static final long LAG_THRESHOLD = 10;
  static final long ACTIVATION_LAG_THRESHOLD = 0;
  static final Duration HPA_SYNC_PERIOD = Duration.ofSeconds(15);
  static final double HPA_TOLERANCE = 0.1;
  static final Duration HPA_DOWNSCALE_STABILIZATION = Duration.ofMinutes(5);
  static final int HPA_SCALE_UP_LIMIT_FACTOR = 2;
  static final int HPA_SCALE_UP_LIMIT_MINIMUM = 4;

  private final int minReplicas;
  private final int maxReplicas;
  private final long lagThreshold;
  private final Duration kedaPhase;
  private final Duration hpaPhase;

  /** The HPA's recommendations, for the downscale stabilization window. */
  private final List<Recommendation> recommendations = new ArrayList<>();

  private Instant lastActive;

  private record Recommendation(Instant at, int replicas) {}

  /**
   * @param minReplicas {@code minReplicaCount}
   * @param maxReplicas {@code maxReplicaCount}
   * @param lagThreshold the trigger's {@code lagThreshold} ({@link #LAG_THRESHOLD} by default)
   * @param phase when, after the start, KEDA's loop first runs; the HPA's sync runs at the same
   *     phase modulo its period
   */
  KedaHpaModel(int minReplicas, int maxReplicas, long lagThreshold, Duration phase) {
    this.minReplicas = minReplicas;
    this.maxReplicas = maxReplicas;
    this.lagThreshold = lagThreshold;
    this.kedaPhase = Duration.ofMillis(phase.toMillis() % POLLING_INTERVAL.toMillis());
    this.hpaPhase = Duration.ofMillis(phase.toMillis() % HPA_SYNC_PERIOD.toMillis());
  }

  @Override
  public StreamWorld.Act act(StreamWorld.Tick k) {
    StreamWorld.Act out = null;
    int current = k.requested();
    LagReading r = k.reading();
    if (due(k.t(), kedaPhase, POLLING_INTERVAL) && r != null) {
      boolean active = r.lag() > ACTIVATION_LAG_THRESHOLD;
      if (active) lastActive = k.now();
      if (active && current == 0) {
        current = Math.max(minReplicas, 1);
        out =
            new StreamWorld.Act(
                current, ScaleReason.Wake, "KEDA: lag above activationLagThreshold, activated");
      } else if (!active
          && current > 0
          && minReplicas == 0
          && (lastActive == null || !k.now().isBefore(lastActive.plus(COOLDOWN_PERIOD)))) {
        recommendations.clear();
        return new StreamWorld.Act(
            0, ScaleReason.ScaleToZero, "KEDA: inactive for cooldownPeriod, deactivated");
      }
    }
    // At zero replicas the HPA is disabled (ScalingActive=False); without a metric it holds.
    if (current == 0 || r == null || !due(k.t(), hpaPhase, HPA_SYNC_PERIOD)) return out;
    int wanted = recommend(r, current);
    int stabilized = stabilize(k.now(), wanted);
    int limit =
        Math.min(
            maxReplicas, Math.max(HPA_SCALE_UP_LIMIT_FACTOR * current, HPA_SCALE_UP_LIMIT_MINIMUM));
    int desired = Math.max(Math.max(minReplicas, 1), Math.min(limit, stabilized));
    if (desired == current) return out;
    return new StreamWorld.Act(
        desired,
        desired > current ? ScaleReason.ScaleUp : ScaleReason.ScaleDown,
        "HPA: lag " + r.lag() + " over target " + lagThreshold + " per replica");
  }

  /**
   * What the HPA would ask for now with {@code reading}, before stabilization and limits: what the
   * benchmark calls "the lag crossing the threshold" when it is more than the replicas there are.
   */
  int recommend(LagReading reading, int current) {
    long metric = reading.lag();
    // allowIdleConsumers false: no more replicas than partitions (integer division, as in Go).
    if (metric / lagThreshold > reading.partitions()) metric = reading.partitions() * lagThreshold;
    double ratio = (double) metric / ((double) lagThreshold * current);
    if (Math.abs(1.0 - ratio) <= HPA_TOLERANCE) return current;
    return (int) Math.ceil((double) metric / lagThreshold);
  }

  /** Whether KEDA or the HPA would add workers if they looked now. */
  boolean wouldScaleUp(StreamWorld.Tick k) {
    LagReading r = k.reading();
    if (r == null) return false;
    if (k.requested() == 0) return r.lag() > ACTIVATION_LAG_THRESHOLD;
    return Math.min(maxReplicas, recommend(r, k.requested())) > k.requested();
  }

  /** The highest recommendation of the stabilization window, this one included. */
  private int stabilize(Instant now, int wanted) {
    Instant cutoff = now.minus(HPA_DOWNSCALE_STABILIZATION);
    recommendations.removeIf(rec -> rec.at().isBefore(cutoff));
    int max = wanted;
    for (Recommendation rec : recommendations) max = Math.max(max, rec.replicas());
    recommendations.add(new Recommendation(now, wanted));
    return max;
  }

  private static boolean due(Duration t, Duration phase, Duration period) {
    return t.compareTo(phase) >= 0 && t.minus(phase).toMillis() % period.toMillis() == 0;
  }
}

package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobSpec;
import io.tributary.operator.autoscale.LagAutoscaler;
import io.tributary.operator.autoscale.LagSource;
import io.tributary.operator.status.StreamJobStatuses;
import io.tributary.operator.status.StreamJobStatuses.ScaleCause;
import io.tributary.pipeline.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How many workers a StreamJob wants now, and why: the spec, suspend, or the lag autoscaler. */
final class WorkerCount {
  static final long DEFAULT_TARGET_LAG = 1000;
  static final Duration DEFAULT_STABILIZATION = Duration.ofMinutes(5);
  private static final Logger log = LoggerFactory.getLogger(WorkerCount.class);

  private WorkerCount() {}

  /**
   * Workers wanted, and why.
   *
   * @param history the autoscaler's history to keep in status, or null without autoscaling
   */
  record Scale(
      int replicas, ScaleCause cause, String why, List<LagAutoscaler.Recommendation> history) {}

  /**
   * 0 when suspended; with autoscaling, what the lag says within the bounds (the autoscaler's
   * memory comes from the job's status); otherwise spec.replicas (default 1), which kubectl scale,
   * an HPA or KEDA set.
   *
   * @param lag the consumer lag, or null when it cannot be read
   * @param deployment the worker Deployment as cached, or null
   */
  static Scale of(StreamJob job, LagSource.Lag lag, Deployment deployment, Instant now) {
    StreamJobSpec spec = job.getSpec();
    if (Boolean.TRUE.equals(spec.suspend())) {
      return new Scale(0, ScaleCause.SUSPEND, "spec.suspend is true", null);
    }
    int fromSpec = spec.replicas() != null ? spec.replicas() : 1;
    StreamJobSpec.Autoscaling a = spec.autoscaling();
    if (a == null) {
      return new Scale(fromSpec, ScaleCause.SPEC, "spec.replicas is " + fromSpec, null);
    }
    List<LagAutoscaler.Recommendation> history = StreamJobStatuses.history(job.getStatus());
    int current =
        deployment != null && deployment.getSpec().getReplicas() != null
            ? deployment.getSpec().getReplicas()
            : Math.max(a.minReplicas(), Math.min(a.maxReplicas(), fromSpec));
    if (lag == null) {
      int kept = Math.max(a.minReplicas(), Math.min(a.maxReplicas(), current));
      return new Scale(
          kept, ScaleCause.AUTOSCALER, "consumer lag unknown: keeping " + kept, history);
    }
    var bounds =
        new LagAutoscaler.Bounds(
            a.minReplicas(),
            a.maxReplicas(),
            a.targetLagPerReplica() != null ? a.targetLagPerReplica() : DEFAULT_TARGET_LAG,
            Durations.parseOr(a.scaleDownStabilization(), DEFAULT_STABILIZATION));
    var decision = LagAutoscaler.decide(current, lag.lag(), lag.partitions(), bounds, history, now);
    if (decision.replicas() != current) {
      log.info(
          "scaling {} from {} to {}: {}",
          job.getMetadata().getName(),
          current,
          decision.replicas(),
          decision.reason());
    }
    return new Scale(
        decision.replicas(), ScaleCause.AUTOSCALER, decision.reason(), decision.history());
  }
}

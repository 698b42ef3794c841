package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.tributary.operator.api.AutoscalerStatus;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobSpec;
import io.tributary.operator.autoscale.LagAutoscaler;
import io.tributary.operator.autoscale.LagReading;
import io.tributary.operator.autoscale.ScalingPolicy;
import io.tributary.operator.status.AutoscalerStatuses;
import io.tributary.operator.status.StreamJobStatuses.ScaleCause;
import io.tributary.pipeline.Durations;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How many workers a StreamJob wants now, and why: the spec, suspend, or the lag autoscaler. */
final class WorkerCount {
  private static final Logger log = LoggerFactory.getLogger(WorkerCount.class);

  private WorkerCount() {}

  /**
   * Workers wanted, and why.
   *
   * @param autoscaler the autoscaler's decision and memory to keep in status, or null without
   *     autoscaling
   */
  record Scale(int replicas, ScaleCause cause, String why, AutoscalerStatus autoscaler) {}

  /**
   * 0 when suspended; with autoscaling, what the lag and throughput say within the bounds (the
   * autoscaler's memory comes from the job's status); otherwise spec.replicas (default 1), which
   * kubectl scale, an HPA or KEDA set. The schema refuses spec.replicas beside spec.autoscaling; a
   * job stored before that rule keeps both until its next edit, and autoscaling wins.
   *
   * @param reading the latest lag reading, or null when it cannot be read
   * @param deployment the worker Deployment as cached, or null
   */
  static Scale of(StreamJob job, LagReading reading, Deployment deployment, Instant now) {
    StreamJobSpec spec = job.getSpec();
    if (Boolean.TRUE.equals(spec.suspend())) {
      return new Scale(0, ScaleCause.SUSPEND, "spec.suspend is true", null);
    }
    StreamJobSpec.Autoscaling a = spec.autoscaling();
    if (a == null) {
      int fromSpec = spec.replicas() != null ? spec.replicas() : 1;
      return new Scale(fromSpec, ScaleCause.SPEC, "spec.replicas is " + fromSpec, null);
    }
    ScalingPolicy policy = policy(a);
    boolean exists = deployment != null && deployment.getSpec().getReplicas() != null;
    // A new job starts at minReplicas and is sized in the same decision.
    int current = exists ? deployment.getSpec().getReplicas() : policy.minReplicas();
    int ready =
        deployment != null
                && deployment.getStatus() != null
                && deployment.getStatus().getReadyReplicas() != null
            ? deployment.getStatus().getReadyReplicas()
            : 0;
    var decision =
        LagAutoscaler.decide(
            policy,
            AutoscalerStatuses.state(job.getStatus()),
            new LagAutoscaler.Observation(now, reading, current, ready));
    if (decision.replicas() != current) {
      log.info(
          "scaling {} from {} to {}: {}",
          job.getMetadata().getName(),
          current,
          decision.replicas(),
          decision.message());
    }
    return new Scale(
        decision.replicas(),
        ScaleCause.AUTOSCALER,
        decision.message(),
        AutoscalerStatuses.of(decision));
  }

  /** The spec's autoscaling with the defaults of {@link ScalingPolicy}. */
  static ScalingPolicy policy(StreamJobSpec.Autoscaling a) {
    ScalingPolicy p = ScalingPolicy.of(a.minReplicas(), a.maxReplicas());
    if (a.targetDrainTime() != null) {
      // The schema lets 0s through; draining "at once" means as many workers as allowed.
      Duration d = Durations.parseOr(a.targetDrainTime(), p.targetDrainTime());
      p = p.withTargetDrainTime(d.isZero() ? Duration.ofMillis(1) : d);
    }
    if (a.targetLagPerReplica() != null) p = p.withTargetLagPerReplica(a.targetLagPerReplica());
    if (a.scaleDownStabilization() != null) {
      p = p.withStabilization(Durations.parseOr(a.scaleDownStabilization(), p.stabilization()));
    }
    if (a.scaleDownPercent() != null) p = p.withScaleDownPercent(a.scaleDownPercent());
    if (a.activationLagThreshold() != null) {
      p = p.withActivationLagThreshold(a.activationLagThreshold());
    }
    if (a.readyTimeout() != null) {
      p = p.withReadyTimeout(Durations.parseOr(a.readyTimeout(), p.readyTimeout()));
    }
    return p;
  }
}

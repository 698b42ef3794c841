package io.tributary.operator.status;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.status.Conditions.Reason;
import io.tributary.pipeline.Guarantee;
import java.time.Instant;
import java.util.List;

/**
 * StreamJob status from what is observed. Ready means the workers are really available (the
 * Deployment says so and enough pods are ready), never merely that objects were created.
 */
public final class StreamJobStatuses {
  private StreamJobStatuses() {}

  public static StreamJobStatus running(
      StreamJob job,
      int desired,
      Deployment deployment,
      String selector,
      String deploymentName,
      Long lag,
      Instant now) {
    long gen = generation(job);
    int replicas = 0;
    int ready = 0;
    int updated = 0;
    boolean available = false;
    boolean rolledOut = false;
    if (deployment != null && deployment.getStatus() != null) {
      var s = deployment.getStatus();
      replicas = nz(s.getReplicas());
      ready = nz(s.getReadyReplicas());
      updated = nz(s.getUpdatedReplicas());
      available = conditionTrue(deployment, "Available");
      rolledOut =
          s.getObservedGeneration() != null
              && s.getObservedGeneration() >= nz(deployment.getMetadata().getGeneration())
              && updated >= desired
              && replicas == desired;
    }
    boolean suspended = Boolean.TRUE.equals(job.getSpec().suspend());
    Condition readyCondition;
    if (suspended) {
      readyCondition =
          Conditions.of(
              Conditions.READY,
              false,
              Reason.Suspended,
              "spec.suspend is true: no workers run",
              gen);
    } else if (available && ready >= desired && desired > 0) {
      readyCondition =
          Conditions.of(
              Conditions.READY,
              true,
              Reason.WorkersAvailable,
              ready + " of " + desired + " workers ready",
              gen);
    } else {
      readyCondition =
          Conditions.of(
              Conditions.READY,
              false,
              Reason.WorkersUnavailable,
              ready
                  + " of "
                  + desired
                  + " workers ready; see `kubectl get pods -l tributary.io/pipeline="
                  + job.getMetadata().getName()
                  + "` and their events",
              gen);
    }
    Condition progressing =
        rolledOut
            ? Conditions.of(
                Conditions.PROGRESSING, false, Reason.Stable, "workers match the spec", gen)
            : Conditions.of(
                Conditions.PROGRESSING,
                true,
                Reason.Deploying,
                "rolling out: " + updated + " of " + desired + " workers updated",
                gen);
    Condition degraded =
        Conditions.of(
            Conditions.DEGRADED, false, Reason.NoProblems, "reconciled without errors", gen);
    Guarantee g =
        job.getSpec().guarantee() != null ? job.getSpec().guarantee() : Guarantee.EXACTLY_ONCE;
    return new StreamJobStatus(
        gen,
        Conditions.merge(previous(job), List.of(readyCondition, progressing, degraded), now),
        replicas,
        ready,
        desired,
        ready + "/" + desired,
        selector,
        lag,
        g.wireName(),
        deploymentName);
  }

  public static StreamJobStatus invalid(
      StreamJob job, PipelineChecks.Problem problem, Instant now) {
    long gen = generation(job);
    Reason reason = problem.reason();
    List<Condition> conditions =
        List.of(
            Conditions.of(Conditions.READY, false, reason, problem.message(), gen),
            Conditions.of(
                Conditions.PROGRESSING, false, Reason.Idle, "waiting for a corrected spec", gen),
            Conditions.of(
                Conditions.DEGRADED,
                false,
                Reason.NoProblems,
                "nothing to retry: fix the spec",
                gen));
    return new StreamJobStatus(
        gen,
        Conditions.merge(previous(job), conditions, now),
        0,
        0,
        0,
        "0/0",
        null,
        null,
        null,
        null);
  }

  /** A transient failure: keep what was observed, say Degraded, JOSDK retries with backoff. */
  public static StreamJobStatus error(StreamJob job, Exception e, Instant now) {
    StreamJobStatus old = job.getStatus();
    long gen = generation(job);
    List<Condition> kept =
        old == null || old.conditions() == null
            ? List.of()
            : old.conditions().stream().filter(c -> !c.type().equals(Conditions.DEGRADED)).toList();
    List<Condition> conditions = new java.util.ArrayList<>(kept);
    conditions.add(
        Conditions.of(
            Conditions.DEGRADED,
            true,
            Reason.ReconcileError,
            "reconcile failed, retrying with backoff: " + e.getMessage(),
            gen));
    conditions = Conditions.merge(previous(job), conditions, now);
    if (old == null) {
      return new StreamJobStatus(gen, conditions, null, null, null, null, null, null, null, null);
    }
    return new StreamJobStatus(
        old.observedGeneration(),
        conditions,
        old.replicas(),
        old.readyReplicas(),
        old.desiredReplicas(),
        old.readyText(),
        old.selector(),
        old.lag(),
        old.guarantee(),
        old.deployment());
  }

  private static List<Condition> previous(StreamJob job) {
    return job.getStatus() == null ? null : job.getStatus().conditions();
  }

  private static boolean conditionTrue(Deployment d, String type) {
    if (d.getStatus().getConditions() == null) return false;
    for (DeploymentCondition c : d.getStatus().getConditions()) {
      if (type.equals(c.getType())) return "True".equals(c.getStatus());
    }
    return false;
  }

  private static long generation(StreamJob job) {
    return job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration();
  }

  private static int nz(Integer v) {
    return v == null ? 0 : v;
  }

  private static long nz(Long v) {
    return v == null ? 0 : v;
  }
}

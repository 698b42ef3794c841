package io.tributary.operator.status;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.tributary.operator.api.AutoscalerStatus;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobHalt;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.render.Labels;
import io.tributary.operator.render.Names;
import io.tributary.operator.render.StreamJobRenderer;
import io.tributary.operator.status.Conditions.Reason;
import io.tributary.pipeline.Guarantee;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * StreamJob status from what is observed. Ready means the workers are really available (the
 * Deployment says so and enough pods are ready) or deliberately absent (scaled to zero), never
 * merely that objects were created. When they are not, the reason says why in the words of whoever
 * knows: the scheduler, the kubelet, or the worker's own termination message.
 */
public final class StreamJobStatuses {
  private StreamJobStatuses() {}

  /** Why the job wants the number of workers it wants. */
  public enum ScaleCause {
    SPEC,
    SUSPEND,
    AUTOSCALER,
    /** A validate step with onInvalid fail refused a record; see {@link Halts}. */
    HALTED
  }

  /**
   * Everything a running job's status is made from.
   *
   * @param desired workers wanted
   * @param deployment the worker Deployment as the cache has it, or null
   * @param pods what the worker pods say
   * @param lag consumer lag, or null when unknown
   * @param autoscaler the autoscaler's decision and memory, or null without autoscaling
   * @param workersGeneration the spec generation the running workers were rendered from
   * @param heldBack a problem of the current spec while the last good workers keep running, or null
   * @param halted where the workers halted, or null
   */
  public record Observed(
      StreamJob job,
      int desired,
      ScaleCause cause,
      Deployment deployment,
      WorkerPods.Summary pods,
      Long lag,
      AutoscalerStatus autoscaler,
      Long workersGeneration,
      PipelineChecks.Problem heldBack,
      StreamJobHalt halted) {

    /** The job with its workers as observed; set the rest with the {@code with} methods. */
    public static Observed of(StreamJob job, Deployment deployment, WorkerPods.Summary pods) {
      return new Observed(
          job, 0, ScaleCause.SPEC, deployment, pods, null, null, generation(job), null, null);
    }

    public Observed withDesired(int replicas, ScaleCause why) {
      return new Observed(
          job,
          replicas,
          why,
          deployment,
          pods,
          lag,
          autoscaler,
          workersGeneration,
          heldBack,
          halted);
    }

    public Observed withLag(Long l) {
      return new Observed(
          job,
          desired,
          cause,
          deployment,
          pods,
          l,
          autoscaler,
          workersGeneration,
          heldBack,
          halted);
    }

    public Observed withAutoscaler(AutoscalerStatus a) {
      return new Observed(
          job, desired, cause, deployment, pods, lag, a, workersGeneration, heldBack, halted);
    }

    /** The current spec is invalid; the workers of {@code generation} keep running. */
    public Observed withHeldBack(PipelineChecks.Problem problem, Long generation) {
      return new Observed(
          job, desired, cause, deployment, pods, lag, autoscaler, generation, problem, halted);
    }

    /** The workers halted on a record: none run until the user resumes; null: not halted. */
    public Observed withHalt(StreamJobHalt h) {
      if (h == null) return this;
      return new Observed(
          job,
          0,
          ScaleCause.HALTED,
          deployment,
          pods,
          lag,
          autoscaler,
          workersGeneration,
          heldBack,
          h);
    }
  }

  public static StreamJobStatus running(Observed o, Instant now) {
    StreamJob job = o.job();
    long gen = generation(job);
    int desired = o.desired();
    Deployment deployment = o.deployment();
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
    List<Condition> conditions =
        List.of(
            ready(o, ready, available, gen),
            progressing(o, rolledOut, updated, gen),
            degraded(o, gen));
    Guarantee g =
        job.getSpec().guarantee() != null ? job.getSpec().guarantee() : Guarantee.EXACTLY_ONCE;
    String name = job.getMetadata().getName();
    return StreamJobStatus.builder()
        .observedGeneration(gen)
        .conditions(Conditions.merge(previous(job), conditions, now))
        .workers(replicas, ready, desired)
        .selector(Labels.selectorString(Labels.selector(StreamJobRenderer.KIND_LABEL, name)))
        .lag(o.lag())
        .guarantee(g.wireName())
        .deployment(Names.worker(name))
        .workersGeneration(o.workersGeneration())
        .autoscaler(o.autoscaler())
        .halted(o.halted())
        .build();
  }

  private static Condition ready(Observed o, int ready, boolean available, long gen) {
    int desired = o.desired();
    WorkerPods.Summary pods = o.pods();
    if (o.halted() != null) {
      return Conditions.of(
          Conditions.READY,
          false,
          Reason.Halted,
          Halts.message(o.job().getMetadata().getName(), o.halted()),
          gen);
    }
    if (desired == 0) {
      String why =
          switch (o.cause()) {
            case SUSPEND -> "spec.suspend is true";
            case AUTOSCALER ->
                "the autoscaler found the job idle and minReplicas is 0 (it wakes when the lag"
                    + " exceeds activationLagThreshold)";
            case SPEC -> "spec.replicas is 0";
            case HALTED -> "halted on a record";
          };
      return Conditions.of(
          Conditions.READY, true, Reason.ScaledToZero, why + ": no workers run, on purpose", gen);
    }
    if (available && ready >= desired) {
      return Conditions.of(
          Conditions.READY,
          true,
          Reason.WorkersAvailable,
          ready + " of " + desired + " workers ready",
          gen);
    }
    String counts = ready + " of " + desired + " workers ready";
    if (pods.lastFailure().isPresent()) {
      WorkerPods.Failure f = pods.lastFailure().get();
      return Conditions.of(
          Conditions.READY,
          false,
          f.invalidPlan() ? Reason.InvalidPlan : Reason.WorkerFailed,
          counts + "; " + f.describe(),
          gen);
    }
    if (pods.unschedulable() > 0) {
      return Conditions.of(
          Conditions.READY,
          false,
          Reason.WorkersUnschedulable,
          counts + "; " + pods.unschedulable() + " cannot be scheduled: " + pods.schedulerMessage(),
          gen);
    }
    if (pods.pending() > 0) {
      return Conditions.of(
          Conditions.READY,
          false,
          Reason.WorkersPending,
          counts
              + "; "
              + pods.pending()
              + " pending"
              + (pods.waiting() == null ? "" : ": " + pods.waiting()),
          gen);
    }
    return Conditions.of(
        Conditions.READY,
        false,
        Reason.WorkersUnavailable,
        counts
            + "; see `kubectl get pods -l tributary.io/pipeline="
            + o.job().getMetadata().getName()
            + "` and their events",
        gen);
  }

  private static Condition progressing(Observed o, boolean rolledOut, int updated, long gen) {
    if (o.heldBack() != null) {
      return Conditions.of(
          Conditions.PROGRESSING,
          false,
          Reason.Idle,
          "waiting for a corrected spec; the last good workers keep running",
          gen);
    }
    if (o.halted() != null) {
      return Conditions.of(
          Conditions.PROGRESSING,
          false,
          Reason.Idle,
          "halted at " + o.halted().position() + "; waiting for a spec change or a skip",
          gen);
    }
    if (rolledOut) {
      return Conditions.of(
          Conditions.PROGRESSING, false, Reason.Stable, "workers match the spec", gen);
    }
    return Conditions.of(
        Conditions.PROGRESSING,
        true,
        Reason.Deploying,
        "rolling out: " + updated + " of " + o.desired() + " workers updated",
        gen);
  }

  private static Condition degraded(Observed o, long gen) {
    if (o.heldBack() != null) {
      PipelineChecks.Problem p = o.heldBack();
      String running =
          o.workersGeneration() == null
              ? "still running the last good workers"
              : "still running generation " + o.workersGeneration() + "'s workers";
      return Conditions.of(
          Conditions.DEGRADED,
          true,
          p.reason(),
          "spec generation " + gen + " is invalid: " + p.message() + "; " + running,
          gen);
    }
    WorkerPods.Summary pods = o.pods();
    if (pods.crashLooping() > 0) {
      String last = pods.lastFailure().map(WorkerPods.Failure::describe).orElse("no exit seen");
      return Conditions.of(
          Conditions.DEGRADED,
          true,
          Reason.WorkersCrashLooping,
          pods.crashLooping() + " worker(s) restarting after errors; last: " + last,
          gen);
    }
    return Conditions.of(
        Conditions.DEGRADED, false, Reason.NoProblems, "reconciled without errors", gen);
  }

  /** A problem and no workers: either none ran yet, or a residency violation stopped them. */
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
    return StreamJobStatus.builder()
        .observedGeneration(gen)
        .conditions(Conditions.merge(previous(job), conditions, now))
        .workers(0, 0, 0)
        .build();
  }

  /** A transient failure: keep what was observed, say Degraded, JOSDK retries with backoff. */
  public static StreamJobStatus error(StreamJob job, Exception e, Instant now) {
    StreamJobStatus old = job.getStatus();
    long gen = generation(job);
    List<Condition> conditions =
        new ArrayList<>(
            old == null || old.conditions() == null
                ? List.of()
                : old.conditions().stream()
                    .filter(c -> !c.type().equals(Conditions.DEGRADED))
                    .toList());
    conditions.add(
        Conditions.of(
            Conditions.DEGRADED,
            true,
            Reason.ReconcileError,
            "reconcile failed, retrying with backoff: " + e.getMessage(),
            gen));
    conditions = Conditions.merge(previous(job), conditions, now);
    if (old == null)
      return StreamJobStatus.builder().observedGeneration(gen).conditions(conditions).build();
    return old.toBuilder().conditions(conditions).build();
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

  static long generation(StreamJob job) {
    return job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration();
  }

  private static int nz(Integer v) {
    return v == null ? 0 : v;
  }

  private static long nz(Long v) {
    return v == null ? 0 : v;
  }
}

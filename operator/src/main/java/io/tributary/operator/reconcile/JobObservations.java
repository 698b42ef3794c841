package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.tributary.operator.api.Groups;
import io.tributary.operator.schedule.ObservedJob;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reduces a run's Job and its pod to what the run scheduler needs. While the Job is active, the pod
 * tells whether the worker runs or waits (and why: the scheduler's message when no node fits). Once
 * it finished, the worker reports its outcome as a RunSummary in the container's termination
 * message; the exit code tells retryable from permanent when there is no summary.
 */
final class JobObservations {
  static final String TRIGGER_ANNOTATION = "tributary.io/trigger";

  /** When the run was due: a run can be rebuilt from its Job if the status is lost. */
  static final String SCHEDULED_AT_ANNOTATION = "tributary.io/scheduled-at";

  /** The upstream runs (name=runId,...) a dependsOn run was started for. */
  static final String UPSTREAM_RUNS_ANNOTATION = "tributary.io/upstream-runs";

  /** Set by the Job controller on the pods of a Job. */
  static final String JOB_NAME_LABEL = "job-name";

  private static final String CONTAINER = "worker";

  /** Set by the Job controller on the pods of an Indexed Job. */
  static final String COMPLETION_INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";

  /** Container waiting reasons that are only a normal start, not a problem to report. */
  private static final Set<String> STARTING = Set.of("ContainerCreating", "PodInitializing");

  private JobObservations() {}

  /** Whether the Job completed or failed, whatever its pod says. */
  static boolean finished(Job job) {
    return succeeded(job) || failed(job);
  }

  /** The pods of each Job, by Job name. */
  static Map<String, List<Pod>> byJob(Collection<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getMetadata().getLabels() != null)
        .filter(p -> p.getMetadata().getLabels().containsKey(JOB_NAME_LABEL))
        .collect(Collectors.groupingBy(p -> p.getMetadata().getLabels().get(JOB_NAME_LABEL)));
  }

  /**
   * The Job as the scheduler sees it.
   *
   * @param pods the Job's pods (backoffLimit 0: at most one, unless one was deleted by hand)
   */
  static ObservedJob of(Job job, List<Pod> pods) {
    Map<String, String> labels = job.getMetadata().getLabels();
    Map<String, String> annotations =
        job.getMetadata().getAnnotations() == null ? Map.of() : job.getMetadata().getAnnotations();
    Optional<Pod> pod = telling(job, pods == null ? List.of() : pods);
    var status = job.getStatus();
    String started =
        status != null && status.getStartTime() != null
            ? status.getStartTime()
            : job.getMetadata().getCreationTimestamp();
    ObservedJob.Builder b =
        ObservedJob.builder()
            .name(job.getMetadata().getName())
            .runId(labels == null ? null : labels.get(Groups.LABEL_RUN_ID))
            .attempt(attempt(labels))
            .trigger(annotations.get(TRIGGER_ANNOTATION))
            .startedAt(started == null ? null : Instant.parse(started))
            .scheduledAt(
                annotations.get(SCHEDULED_AT_ANNOTATION) == null
                    ? null
                    : Instant.parse(annotations.get(SCHEDULED_AT_ANNOTATION)))
            .upstreamRuns(annotations.get(UPSTREAM_RUNS_ANNOTATION));
    if (succeeded(job)) {
      b.state(ObservedJob.State.SUCCEEDED)
          .finishedAt(time(status.getCompletionTime(), condition(job, "Complete")));
    } else if (failed(job)) {
      Optional<JobCondition> failed = condition(job, "Failed");
      b.state(ObservedJob.State.FAILED)
          .finishedAt(time(null, failed))
          .deadlineExceeded(
              failed.map(c -> "DeadlineExceeded".equals(c.getReason())).orElse(false));
    } else {
      waiting(job.getMetadata().getName(), pod)
          .ifPresentOrElse(b::pending, () -> b.state(ObservedJob.State.RUNNING));
      if (indexed(job)) b.progress(progress(job));
    }
    pod.flatMap(JobObservations::terminated)
        .ifPresent(t -> b.exitCode(t.getExitCode()).summary(summary(t.getMessage())));
    return b.build();
  }

  /**
   * The pod that tells the run's story: the newest. For a run split into parts (an Indexed Job),
   * the commit index's once the Job completed (its summary adds up the parts), the newest pod that
   * failed and said why once the Job failed, and while it is active a running pod if any.
   */
  static Optional<Pod> telling(Job job, List<Pod> pods) {
    Comparator<Pod> byAge =
        Comparator.comparing(p -> String.valueOf(p.getMetadata().getCreationTimestamp()));
    Optional<Pod> newest = pods.stream().max(byAge);
    if (!indexed(job)) return newest;
    if (succeeded(job)) {
      String commitIndex = String.valueOf(completions(job) - 1);
      return pods.stream()
          .filter(p -> commitIndex.equals(completionIndex(p)))
          .max(byAge)
          .or(() -> newest);
    }
    if (failed(job)) {
      // The pods Kubernetes stopped when the Job failed (the waiting commit index) say nothing;
      // the newest one whose worker wrote why it failed tells the story.
      List<Pod> failedPods =
          pods.stream()
              .filter(p -> terminated(p).map(t -> nz(t.getExitCode()) != 0).orElse(false))
              .toList();
      return failedPods.stream()
          .filter(p -> terminated(p).map(t -> summary(t.getMessage()) != null).orElse(false))
          .max(byAge)
          .or(() -> failedPods.stream().max(byAge))
          .or(() -> newest);
    }
    return pods.stream()
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
        .max(byAge)
        .or(() -> newest);
  }

  /**
   * How far an active run split into parts is. The commit index finishes last (it waits for every
   * part), so the succeeded indexes are the parts staged.
   */
  static String progress(Job job) {
    int parts = completions(job) - 1;
    int staged = Math.min(parts, nz(job.getStatus().getSucceeded()));
    int failed = nz(job.getStatus().getFailed());
    return staged
        + " of "
        + parts
        + " parts staged"
        + (failed == 0
            ? ""
            : ", " + failed + (failed == 1 ? " pod" : " pods") + " failed and retried")
        + (staged < parts
            ? "; the commit index publishes them once all are"
            : "; publishing them all at once");
  }

  private static String completionIndex(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(COMPLETION_INDEX_ANNOTATION);
  }

  private static boolean indexed(Job job) {
    return job.getSpec() != null && "Indexed".equals(job.getSpec().getCompletionMode());
  }

  private static int completions(Job job) {
    return job.getSpec() == null || job.getSpec().getCompletions() == null
        ? 1
        : job.getSpec().getCompletions();
  }

  /** Why the Job's pod is not running yet, or empty when it runs (or ran). */
  private static Optional<ObservedJob.Waiting> waiting(String jobName, Optional<Pod> newest) {
    if (newest.isEmpty()) return Optional.of(ObservedJob.Waiting.starting(jobName));
    Pod pod = newest.get();
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Running".equals(phase) || "Succeeded".equals(phase) || "Failed".equals(phase)) {
      return Optional.empty();
    }
    Optional<PodCondition> unschedulable =
        pod.getStatus() == null || pod.getStatus().getConditions() == null
            ? Optional.empty()
            : pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()))
                .filter(c -> "False".equals(c.getStatus()))
                .filter(c -> "Unschedulable".equals(c.getReason()))
                .findFirst();
    if (unschedulable.isPresent()) {
      String says = unschedulable.get().getMessage();
      return Optional.of(
          new ObservedJob.Waiting(
              true, says != null ? says : "no node fits the pod of Job " + jobName));
    }
    Optional<ContainerStateWaiting> stuck =
        worker(pod)
            .map(ContainerStatus::getState)
            .map(s -> s.getWaiting())
            .filter(w -> w.getReason() != null && !STARTING.contains(w.getReason()));
    if (stuck.isPresent()) {
      ContainerStateWaiting w = stuck.get();
      return Optional.of(
          new ObservedJob.Waiting(
              false,
              "the worker container of Job "
                  + jobName
                  + " cannot start: "
                  + w.getReason()
                  + (w.getMessage() != null ? ": " + w.getMessage() : "")));
    }
    return Optional.of(ObservedJob.Waiting.starting(jobName));
  }

  private static Optional<ContainerStateTerminated> terminated(Pod pod) {
    return worker(pod)
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null)
        .map(s -> s.getTerminated());
  }

  private static Optional<ContainerStatus> worker(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(c -> CONTAINER.equals(c.getName()))
        .filter(c -> c.getState() != null)
        .findFirst();
  }

  /**
   * The RunSummary in a termination message, or null. With FallbackToLogsOnError the message may be
   * the tail of the log instead, which is not a summary.
   */
  static RunSummary summary(String message) {
    if (message == null || !message.trim().startsWith("{")) return null;
    try {
      return PlanJson.readSummary(message.trim());
    } catch (Exception e) {
      return null;
    }
  }

  private static int attempt(Map<String, String> labels) {
    try {
      return labels == null ? 1 : Integer.parseInt(labels.getOrDefault(Groups.LABEL_ATTEMPT, "1"));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /**
   * Complete, or as many pods succeeded as it needs completions. A run split into parts needs them
   * all: its parts succeed one by one before the commit index does.
   */
  private static boolean succeeded(Job job) {
    return job.getStatus() != null
        && (condition(job, "Complete").isPresent()
            || nz(job.getStatus().getSucceeded()) >= completions(job));
  }

  /**
   * Failed. A one-pod run (backoffLimit 0) has failed once its pod did; a run split into parts only
   * when Kubernetes says so, because it retries a failed index by itself.
   */
  private static boolean failed(Job job) {
    return job.getStatus() != null
        && !succeeded(job)
        && (condition(job, "Failed").isPresent()
            || (!indexed(job) && nz(job.getStatus().getFailed()) > 0));
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) return Optional.empty();
    var conditions = job.getStatus().getConditions();
    return conditions.stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  private static Instant time(String primary, Optional<JobCondition> condition) {
    String t =
        primary != null ? primary : condition.map(JobCondition::getLastTransitionTime).orElse(null);
    return t == null ? null : Instant.parse(t);
  }

  private static int nz(Integer i) {
    return i == null ? 0 : i;
  }
}

package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.tributary.operator.api.Groups;
import io.tributary.operator.schedule.ObservedJob;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reduces a run's Job (and, once it finished, its pod) to what the run scheduler needs. The worker
 * reports its outcome as a RunSummary in the container's termination message; the exit code tells
 * retryable from permanent when there is no summary.
 */
final class JobObservations {
  static final String TRIGGER_ANNOTATION = "tributary.io/trigger";

  /** When the run was due: a run can be rebuilt from its Job if the status is lost. */
  static final String SCHEDULED_AT_ANNOTATION = "tributary.io/scheduled-at";

  /** The upstream runs (name=runId,...) a dependsOn run was started for. */
  static final String UPSTREAM_RUNS_ANNOTATION = "tributary.io/upstream-runs";

  static final String JOB_NAME_LABEL = "job-name";
  private static final String CONTAINER = "worker";

  private JobObservations() {}

  /** The Job alone: state and times, without the pod's outcome. */
  static ObservedJob of(Job job) {
    return of(job, null, null);
  }

  private static ObservedJob of(Job job, Integer exitCode, RunSummary summary) {
    Map<String, String> labels = job.getMetadata().getLabels();
    Map<String, String> annotations = job.getMetadata().getAnnotations();
    var status = job.getStatus();
    ObservedJob.State state = ObservedJob.State.ACTIVE;
    Instant finished = null;
    boolean deadline = false;
    if (status != null) {
      Optional<JobCondition> complete = condition(job, "Complete");
      Optional<JobCondition> failed = condition(job, "Failed");
      if (complete.isPresent() || nz(status.getSucceeded()) > 0) {
        state = ObservedJob.State.SUCCEEDED;
        finished = time(status.getCompletionTime(), complete);
      } else if (failed.isPresent() || nz(status.getFailed()) > 0) {
        state = ObservedJob.State.FAILED;
        finished = time(null, failed);
        deadline = failed.map(c -> "DeadlineExceeded".equals(c.getReason())).orElse(false);
      }
    }
    String started =
        status != null && status.getStartTime() != null
            ? status.getStartTime()
            : job.getMetadata().getCreationTimestamp();
    return new ObservedJob(
        job.getMetadata().getName(),
        labels == null ? null : labels.get(Groups.LABEL_RUN_ID),
        attempt(labels),
        annotations == null ? null : annotations.get(TRIGGER_ANNOTATION),
        state,
        started == null ? null : Instant.parse(started),
        finished,
        exitCode,
        deadline,
        summary,
        annotations == null || annotations.get(SCHEDULED_AT_ANNOTATION) == null
            ? null
            : Instant.parse(annotations.get(SCHEDULED_AT_ANNOTATION)),
        annotations == null ? null : annotations.get(UPSTREAM_RUNS_ANNOTATION));
  }

  /** The Job with the outcome its newest pod's worker container reported. */
  static ObservedJob withOutcome(ObservedJob job, List<Pod> pods) {
    if (pods == null || pods.isEmpty()) return job;
    Optional<ContainerStateTerminated> terminated =
        pods.stream()
            .max(Comparator.comparing(p -> String.valueOf(p.getMetadata().getCreationTimestamp())))
            .map(Pod::getStatus)
            .map(s -> s.getContainerStatuses())
            .flatMap(
                cs ->
                    cs.stream()
                        .filter(c -> CONTAINER.equals(c.getName()))
                        .map(ContainerStatus::getState)
                        .filter(s -> s != null && s.getTerminated() != null)
                        .map(s -> s.getTerminated())
                        .findFirst());
    if (terminated.isEmpty()) return job;
    return new ObservedJob(
        job.name(),
        job.runId(),
        job.attempt(),
        job.trigger(),
        job.state(),
        job.startedAt(),
        job.finishedAt(),
        terminated.get().getExitCode(),
        job.deadlineExceeded(),
        summary(terminated.get().getMessage()),
        job.scheduledAt(),
        job.upstreamRuns());
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

  private static Optional<JobCondition> condition(Job job, String type) {
    var conditions = job.getStatus().getConditions();
    if (conditions == null) return Optional.empty();
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

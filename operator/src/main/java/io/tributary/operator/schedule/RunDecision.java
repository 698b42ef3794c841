package io.tributary.operator.schedule;

import io.tributary.operator.api.DataPipelineStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the reconciler should do: create and delete Jobs, write the status, emit Events, and come
 * back after {@code requeueAfter} (the next schedule time or retry) instead of polling.
 */
public record RunDecision(
    List<StartJob> create,
    List<String> delete,
    DataPipelineStatus status,
    Optional<Duration> requeueAfter,
    List<Note> notes) {

  /**
   * Start attempt {@code attempt} of run {@code runId} as Job {@code jobName}.
   *
   * @param scheduledAt when the run was due, kept on the Job
   * @param upstreamRuns for dependsOn runs, the upstream runs that triggered it, kept on the Job
   */
  public record StartJob(
      String runId,
      int attempt,
      String trigger,
      String jobName,
      String scheduledAt,
      String upstreamRuns) {}

  /** Something a user should see as a Kubernetes Event. */
  public record Note(RunEvent event, String message) {}
}

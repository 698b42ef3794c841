package io.tributary.operator.schedule;

import io.tributary.pipeline.plan.RunSummary;
import java.time.Instant;

/**
 * One Job of a pipeline run attempt, reduced to what scheduling needs.
 *
 * @param name the Job's name
 * @param runId its tributary.io/run-id label
 * @param attempt its tributary.io/attempt label
 * @param trigger its tributary.io/trigger annotation (spec, schedule, runNow, dependsOn)
 * @param state whether it is still going, or how it ended
 * @param startedAt when it started (or was created), or null
 * @param finishedAt when it completed or failed, or null while active
 * @param exitCode the worker container's exit code, or null when unknown
 * @param deadlineExceeded Kubernetes stopped it at activeDeadlineSeconds (spec.runTimeout)
 * @param summary the worker's termination message, or null when it wrote none
 * @param scheduledAt when the run was due, as the Job remembers it, or null
 * @param upstreamRuns the upstream runs that triggered it, as the Job remembers them, or null
 */
public record ObservedJob(
    String name,
    String runId,
    int attempt,
    String trigger,
    State state,
    Instant startedAt,
    Instant finishedAt,
    Integer exitCode,
    boolean deadlineExceeded,
    RunSummary summary,
    Instant scheduledAt,
    String upstreamRuns) {

  /** A Job's life: active until it completes or fails (backoffLimit 0: one pod). */
  public enum State {
    ACTIVE,
    SUCCEEDED,
    FAILED
  }

  public boolean finished() {
    return state != State.ACTIVE;
  }
}

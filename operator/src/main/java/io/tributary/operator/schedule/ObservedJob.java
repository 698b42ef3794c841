package io.tributary.operator.schedule;

import io.tributary.pipeline.plan.RunSummary;
import java.time.Instant;

/**
 * One Job of a pipeline run attempt, with its pod, reduced to what scheduling needs. Build one with
 * {@link #builder()}.
 *
 * @param name the Job's name
 * @param runId its tributary.io/run-id label
 * @param attempt its tributary.io/attempt label
 * @param trigger its tributary.io/trigger annotation (spec, schedule, runNow, dependsOn)
 * @param state whether its pod is waiting or running, or how the Job ended
 * @param waiting while {@link State#PENDING}: why the pod is not running; null otherwise
 * @param startedAt when it started (or was created), or null
 * @param finishedAt when it completed or failed, or null while active
 * @param exitCode the worker container's exit code, or null when unknown
 * @param deadlineExceeded Kubernetes stopped it at activeDeadlineSeconds (spec.runTimeout)
 * @param summary the worker's termination message, or null when it wrote none
 * @param scheduledAt when the run was due, as the Job remembers it, or null
 * @param upstreamRuns the upstream runs that triggered it, as the Job remembers them, or null
 * @param progress while a run split into parts runs: how many of its parts are staged, e.g. "2 of 3
 *     parts staged; ..."; null otherwise
 */
public record ObservedJob(
    String name,
    String runId,
    int attempt,
    String trigger,
    State state,
    Waiting waiting,
    Instant startedAt,
    Instant finishedAt,
    Integer exitCode,
    boolean deadlineExceeded,
    RunSummary summary,
    Instant scheduledAt,
    String upstreamRuns,
    String progress) {

  /**
   * A Job's life: its pod pending, then running, until the Job completes or fails (backoffLimit 0:
   * one pod).
   */
  public enum State {
    /** Active, but no pod of it runs yet: not created, not scheduled, or still starting. */
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  /**
   * Why a pending Job's pod is not running.
   *
   * @param unschedulable the scheduler found no node for it (its PodScheduled condition says
   *     Unschedulable); otherwise it is not created yet or still starting
   * @param message what the scheduler or the kubelet says, e.g. "0/8 nodes are available: 3
   *     Insufficient cpu, ..."
   */
  public record Waiting(boolean unschedulable, String message) {
    /**
     * Nothing wrong, only not there yet: the pod is not created, not placed, or its container is
     * being created. One message for all of these, so a run's start writes its status once.
     */
    public static Waiting starting(String jobName) {
      return new Waiting(false, "waiting for the pod of Job " + jobName + " to start");
    }
  }

  public boolean finished() {
    return state == State.SUCCEEDED || state == State.FAILED;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this Job's values. */
  public Builder toBuilder() {
    return new Builder()
        .name(name)
        .runId(runId)
        .attempt(attempt)
        .trigger(trigger)
        .state(state)
        .waiting(waiting)
        .startedAt(startedAt)
        .finishedAt(finishedAt)
        .exitCode(exitCode)
        .deadlineExceeded(deadlineExceeded)
        .summary(summary)
        .scheduledAt(scheduledAt)
        .upstreamRuns(upstreamRuns)
        .progress(progress);
  }

  /** Builds an {@link ObservedJob}: attempt 1, state RUNNING, everything else unset. */
  public static final class Builder {
    private String name;
    private String runId;
    private int attempt = 1;
    private String trigger;
    private State state = State.RUNNING;
    private Waiting waiting;
    private Instant startedAt;
    private Instant finishedAt;
    private Integer exitCode;
    private boolean deadlineExceeded;
    private RunSummary summary;
    private Instant scheduledAt;
    private String upstreamRuns;
    private String progress;

    private Builder() {}

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder runId(String v) {
      runId = v;
      return this;
    }

    public Builder attempt(int v) {
      attempt = v;
      return this;
    }

    public Builder trigger(String v) {
      trigger = v;
      return this;
    }

    public Builder state(State v) {
      state = v;
      return this;
    }

    /** Pending, for the reason given. */
    public Builder pending(Waiting why) {
      return state(State.PENDING).waiting(why);
    }

    public Builder waiting(Waiting v) {
      waiting = v;
      return this;
    }

    public Builder startedAt(Instant v) {
      startedAt = v;
      return this;
    }

    public Builder finishedAt(Instant v) {
      finishedAt = v;
      return this;
    }

    public Builder exitCode(Integer v) {
      exitCode = v;
      return this;
    }

    public Builder deadlineExceeded(boolean v) {
      deadlineExceeded = v;
      return this;
    }

    public Builder summary(RunSummary v) {
      summary = v;
      return this;
    }

    public Builder scheduledAt(Instant v) {
      scheduledAt = v;
      return this;
    }

    public Builder upstreamRuns(String v) {
      upstreamRuns = v;
      return this;
    }

    public Builder progress(String v) {
      progress = v;
      return this;
    }

    public ObservedJob build() {
      return new ObservedJob(
          name,
          runId,
          attempt,
          trigger,
          state,
          state == State.PENDING ? waiting : null,
          startedAt,
          finishedAt,
          exitCode,
          deadlineExceeded,
          summary,
          scheduledAt,
          upstreamRuns,
          state == State.RUNNING ? progress : null);
    }
  }
}

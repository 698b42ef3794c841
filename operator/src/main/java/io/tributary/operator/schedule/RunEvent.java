package io.tributary.operator.schedule;

/**
 * The Kubernetes Events the run scheduler asks for: their reasons, and whether each is Normal or
 * Warning. A Warning is something a person may have to act on; everything else a run does is
 * Normal, so `kubectl describe dp` tells a run's whole story.
 */
public enum RunEvent {
  /** A run's first attempt was started as a Job. */
  RunStarted(false),
  /** A run succeeded, with its record counts. */
  RunSucceeded(false),
  /** An attempt failed: either a retry is scheduled (the message says when) or it is permanent. */
  RunFailed(true),
  /** A backed-off run's next attempt was started. */
  RetryStarted(false),
  /** A run failed on its last allowed attempt. */
  RetriesExhausted(true),
  /** A scheduled run was not started because another was active (concurrencyPolicy Forbid). */
  RunSkipped(true),
  /** An active run was stopped for a newer one (concurrencyPolicy Replace). */
  RunReplaced(false),
  /** A missed schedule time is not caught up because schedule.missedRuns is skip. */
  MissedRunSkipped(false),
  /** A missed schedule time is not caught up because it is past schedule.startingDeadline. */
  MissedRun(true);

  private final boolean warning;

  RunEvent(boolean warning) {
    this.warning = warning;
  }

  public boolean warning() {
    return warning;
  }
}

package io.tributary.operator.schedule;

import java.util.Set;

/** Phases of a run (status.runs[].phase) and of a pipeline (status.phase). */
public final class RunPhase {
  public static final String RUNNING = "Running";
  public static final String BACKING_OFF = "BackingOff";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";

  /** A scheduled run not started because another was active (concurrencyPolicy Forbid). */
  public static final String SKIPPED = "Skipped";

  public static final String IDLE = "Idle";
  public static final String SUSPENDED = "Suspended";
  public static final String WAITING = "Waiting";

  /** Failure class of a run stopped by concurrencyPolicy Replace. */
  public static final String REPLACED = "replaced";

  private static final Set<String> IN_PROGRESS = Set.of(RUNNING, BACKING_OFF);

  private RunPhase() {}

  public static boolean inProgress(String phase) {
    return IN_PROGRESS.contains(phase);
  }

  /** The attempt's outcome is known; the record of it never changes again. */
  public static boolean attemptSettled(String phase) {
    return !RUNNING.equals(phase);
  }
}

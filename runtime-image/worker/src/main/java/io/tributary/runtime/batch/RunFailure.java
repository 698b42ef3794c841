package io.tributary.runtime.batch;

import io.tributary.pipeline.plan.ExitCodes;

/** A failure whose exit code is known where it is raised. */
public class RunFailure extends RuntimeException {
  private final int exitCode;

  public RunFailure(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public RunFailure(int exitCode, String message) {
    this(exitCode, message, null);
  }

  /** The plan cannot be run as written (a missing secret file, an unknown column). */
  public static RunFailure invalidPlan(String message) {
    return new RunFailure(ExitCodes.INVALID_PLAN, message);
  }

  /** Retrying will fail the same way (bad data, a rejected request, too many rejects). */
  public static RunFailure permanent(String message, Throwable cause) {
    return new RunFailure(ExitCodes.PERMANENT, message, cause);
  }

  /** A service was unavailable; a retry may succeed. */
  public static RunFailure retryable(String message, Throwable cause) {
    return new RunFailure(ExitCodes.RETRYABLE, message, cause);
  }

  public int exitCode() {
    return exitCode;
  }
}

package io.tributary.pipeline.plan;

/**
 * Worker exit codes. The operator retries a run that failed with {@link #RETRYABLE} (or was killed)
 * and stops retrying after {@link #PERMANENT} or {@link #INVALID_PLAN}.
 */
public final class ExitCodes {
  public static final int OK = 0;

  /** A transient failure: a service was down, a timeout, a 5xx. Retrying may succeed. */
  public static final int RETRYABLE = 75;

  /** The data or the configuration is wrong; retrying will fail the same way. */
  public static final int PERMANENT = 65;

  /** The plan itself is invalid (unknown transform, CEL error, missing secret file). */
  public static final int INVALID_PLAN = 78;

  private ExitCodes() {}

  public static boolean isRetryable(int code) {
    return code != OK && code != PERMANENT && code != INVALID_PLAN;
  }
}

package io.tributary.runtime.transform;

/**
 * A record failed a transform step (invalid against the schema, a CEL error, a value of the wrong
 * type). The caller routes it to the dead-letter destination with {@link #reason()} and {@link
 * #stepName()}, counts it, and goes on — unless {@link #failsRun()} (validate with onInvalid fail).
 *
 * <p>Unchecked so it can cross the {@code Consumer} callbacks of the chain; it carries no stack
 * trace because rejections are data, not bugs, and can be frequent.
 */
public final class RejectedRecordException extends RuntimeException {
  private final int step;
  private final String stepName;
  private final String reason;
  private final boolean failsRun;

  public RejectedRecordException(int step, String stepName, String reason, boolean failsRun) {
    super("transforms[" + step + "] (" + stepName + "): " + reason, null, false, false);
    this.step = step;
    this.stepName = stepName;
    this.reason = reason;
    this.failsRun = failsRun;
  }

  public RejectedRecordException(int step, String stepName, String reason) {
    this(step, stepName, reason, false);
  }

  /** Index of the step in the plan's transforms list. */
  public int step() {
    return step;
  }

  public String stepName() {
    return stepName;
  }

  /** Why, naming the field; never contains the record's values. */
  public String reason() {
    return reason;
  }

  /** The plan says an invalid record must stop the run instead of being dead-lettered. */
  public boolean failsRun() {
    return failsRun;
  }
}

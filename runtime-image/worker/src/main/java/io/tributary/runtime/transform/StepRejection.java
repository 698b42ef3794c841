package io.tributary.runtime.transform;

/** Thrown by a step for a record it cannot handle; the chain adds the step's index and name. */
final class StepRejection extends RuntimeException {
  final boolean failsRun;

  StepRejection(String reason) {
    this(reason, false);
  }

  StepRejection(String reason, boolean failsRun) {
    super(reason, null, false, false);
    this.failsRun = failsRun;
  }
}

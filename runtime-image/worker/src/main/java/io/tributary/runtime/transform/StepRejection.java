package io.tributary.runtime.transform;

import io.tributary.pipeline.transform.ValidateTransform.OnInvalid;

/**
 * Thrown by a step for a record it cannot handle; the chain adds the step's index and name. What
 * becomes of the record is {@link #onInvalid}: dead-lettered (every step but validate), dropped and
 * counted, or the run stops (validate's onInvalid).
 */
final class StepRejection extends RuntimeException {
  /** A validate step with onInvalid drop discards the record: no reason is needed. */
  static final StepRejection DROP = new StepRejection("dropped as invalid", OnInvalid.DROP);

  final OnInvalid onInvalid;

  StepRejection(String reason) {
    this(reason, OnInvalid.DEAD_LETTER);
  }

  StepRejection(String reason, OnInvalid onInvalid) {
    super(reason, null, false, false);
    this.onInvalid = onInvalid;
  }
}

package io.tributary.operator.schedule;

import io.tributary.operator.api.RunFailure;
import io.tributary.operator.api.RunPhase;
import io.tributary.operator.api.RunRecord;
import io.tributary.pipeline.plan.RunSummary;
import java.time.Instant;

/** The ways a run's record moves on: each names the phase it moves to. */
final class RunRecords {
  private RunRecords() {}

  /** A new attempt whose Job is created in this pass: pending until its pod runs. */
  static RunRecord attemptStarted(RunRecord.Builder run, int attempt, String jobName, Instant now) {
    return run.attempt(attempt)
        .phase(RunPhase.PENDING)
        .jobName(jobName)
        .startedAt(now.toString())
        .message(ObservedJob.Waiting.starting(jobName).message())
        .build();
  }

  static RunRecord skipped(String id, String trigger, Instant scheduledAt, String message) {
    return RunRecord.builder()
        .id(id)
        .trigger(trigger)
        .phase(RunPhase.SKIPPED)
        .scheduledAt(scheduledAt.toString())
        .message(message)
        .build();
  }

  static RunRecord succeeded(RunRecord r, Instant finishedAt, String message) {
    return r.toBuilder()
        .phase(RunPhase.SUCCEEDED)
        .finishedAt(finishedAt.toString())
        .retryAt(null)
        .failure(null)
        .message(message)
        .build();
  }

  /** The attempt failed and another starts at {@code retryAt}. */
  static RunRecord backingOff(RunRecord r, Instant finishedAt, Instant retryAt, String message) {
    return r.toBuilder()
        .phase(RunPhase.BACKING_OFF)
        .finishedAt(finishedAt.toString())
        .retryAt(retryAt.toString())
        .failure(RunFailure.RETRYABLE)
        .message(message)
        .build();
  }

  /** The run failed for good. */
  static RunRecord failed(RunRecord r, Instant finishedAt, RunFailure failure, String message) {
    return r.toBuilder()
        .phase(RunPhase.FAILED)
        .finishedAt(finishedAt.toString())
        .retryAt(null)
        .failure(failure)
        .message(message)
        .build();
  }

  /** Counts and watermark from the worker's summary, when it wrote one. */
  static RunRecord withCounts(RunRecord r, RunSummary s) {
    if (s == null) return r;
    return r.toBuilder()
        .recordsRead(s.recordsRead())
        .recordsWritten(s.recordsWritten())
        .recordsRejected(s.recordsRejected())
        .recordsDropped(s.recordsDropped() == 0 ? null : s.recordsDropped())
        .watermark(s.watermark())
        .build();
  }
}

package io.tributary.operator.schedule;

import io.tributary.operator.api.RunRecord;
import io.tributary.pipeline.plan.RunSummary;
import java.time.Instant;

/** Copies of the immutable RunRecord with a few fields changed. */
final class RunRecords {
  private RunRecords() {}

  static RunRecord running(
      String id,
      String trigger,
      int attempt,
      String jobName,
      String scheduledAt,
      String startedAt,
      String upstreamRuns) {
    return new RunRecord(
        id,
        trigger,
        attempt,
        RunPhase.RUNNING,
        jobName,
        scheduledAt,
        startedAt,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        upstreamRuns);
  }

  static RunRecord skipped(String id, String trigger, Instant scheduledAt, String message) {
    return new RunRecord(
        id,
        trigger,
        null,
        RunPhase.SKIPPED,
        null,
        scheduledAt.toString(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        message,
        null);
  }

  /** The attempt ended: its phase, when, the next retry (or null), its failure class. */
  static RunRecord settle(
      RunRecord r,
      String phase,
      Instant finishedAt,
      Instant retryAt,
      String failure,
      String message) {
    return new RunRecord(
        r.id(),
        r.trigger(),
        r.attempt(),
        phase,
        r.jobName(),
        r.scheduledAt(),
        r.startedAt(),
        finishedAt.toString(),
        retryAt != null ? retryAt.toString() : null,
        r.recordsRead(),
        r.recordsWritten(),
        r.recordsRejected(),
        r.watermark(),
        failure,
        message,
        r.upstreamRuns());
  }

  /** Counts and watermark from the worker's summary, when it wrote one. */
  static RunRecord withCounts(RunRecord r, RunSummary s) {
    if (s == null) return r;
    return new RunRecord(
        r.id(),
        r.trigger(),
        r.attempt(),
        r.phase(),
        r.jobName(),
        r.scheduledAt(),
        r.startedAt(),
        r.finishedAt(),
        r.retryAt(),
        s.recordsRead(),
        s.recordsWritten(),
        s.recordsRejected(),
        s.watermark(),
        r.failure(),
        r.message(),
        r.upstreamRuns());
  }
}

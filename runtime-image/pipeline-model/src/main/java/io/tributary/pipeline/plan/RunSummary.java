package io.tributary.pipeline.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a batch run reports when it ends, written as JSON to the container's termination-message
 * path (at most 4 KiB, so keep it small) and shown by the operator in {@code status.lastRun}.
 *
 * @param outcome Succeeded or Failed
 * @param failure null on success; {@code retryable} or {@code permanent}
 * @param watermark the incremental source's new high watermark, if any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSummary(
    String runId,
    String outcome,
    String failure,
    String message,
    long recordsRead,
    long recordsWritten,
    long recordsRejected,
    long durationMillis,
    String watermark,
    List<StepCount> steps) {

  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String RETRYABLE = "retryable";
  public static final String PERMANENT = "permanent";

  /** A run that succeeded with these counts, no watermark. */
  public static RunSummary succeeded(
      String runId,
      long recordsRead,
      long recordsWritten,
      long recordsRejected,
      long durationMillis,
      List<StepCount> steps) {
    return new RunSummary(
        runId,
        SUCCEEDED,
        null,
        null,
        recordsRead,
        recordsWritten,
        recordsRejected,
        durationMillis,
        null,
        steps);
  }

  /** The same summary with the incremental source's new high watermark. */
  public RunSummary withWatermark(String mark) {
    return new RunSummary(
        runId,
        outcome,
        failure,
        message,
        recordsRead,
        recordsWritten,
        recordsRejected,
        durationMillis,
        mark,
        steps);
  }

  /** Per-step counts. */
  public record StepCount(String step, long in, long out, long rejected) {}
}

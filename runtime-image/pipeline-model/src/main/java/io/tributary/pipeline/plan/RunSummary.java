package io.tributary.pipeline.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a batch run reports when it ends, written as JSON to the container's termination-message
 * path (at most 4 KiB, so keep it small) and shown by the operator in {@code status.lastRun}.
 *
 * @param outcome Succeeded or Failed
 * @param failure null on success; {@code retryable} or {@code permanent}
 * @param recordsDropped records a validate step with onInvalid drop discarded: counted, not
 *     dead-lettered, and not part of recordsRejected
 * @param watermark the incremental source's new high watermark, if any
 * @param halt where a stream worker stopped on a record it must not pass (validate with onInvalid
 *     fail), or null
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
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long recordsDropped,
    long durationMillis,
    String watermark,
    List<StepCount> steps,
    Halt halt) {

  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String RETRYABLE = "retryable";
  public static final String PERMANENT = "permanent";

  /** A summary without a halt: every batch run's, and a stream worker's that did not halt. */
  public RunSummary(
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
    this(
        runId,
        outcome,
        failure,
        message,
        recordsRead,
        recordsWritten,
        recordsRejected,
        0,
        durationMillis,
        watermark,
        steps,
        null);
  }

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

  /**
   * The summary of a run split into parts: the parts' counts added up (steps by name, in the order
   * of the first part), succeeded, with {@code durationMillis} the whole run's.
   *
   * @param parts the summaries the parts staged, in part order; at least one
   */
  public static RunSummary sumOfParts(
      String runId, List<RunSummary> parts, long durationMillis, String message) {
    long read = 0;
    long written = 0;
    long rejected = 0;
    long dropped = 0;
    java.util.Map<String, long[]> steps = new java.util.LinkedHashMap<>();
    for (RunSummary p : parts) {
      read += p.recordsRead();
      written += p.recordsWritten();
      rejected += p.recordsRejected();
      dropped += p.recordsDropped();
      if (p.steps() != null) {
        for (StepCount s : p.steps()) {
          long[] sum = steps.computeIfAbsent(s.step(), k -> new long[4]);
          sum[0] += s.in();
          sum[1] += s.out();
          sum[2] += s.rejected();
          sum[3] += s.dropped();
        }
      }
    }
    List<StepCount> stepCounts = new java.util.ArrayList<>();
    steps.forEach(
        (name, sum) -> stepCounts.add(new StepCount(name, sum[0], sum[1], sum[2], sum[3])));
    return new RunSummary(
        runId,
        SUCCEEDED,
        null,
        message,
        read,
        written,
        rejected,
        dropped,
        durationMillis,
        null,
        List.copyOf(stepCounts),
        null);
  }

  /** The same summary with the incremental source's new high watermark. */
  public RunSummary withWatermark(String mark) {
    return with(recordsDropped, mark, halt);
  }

  /** The same summary, saying where the worker halted. */
  public RunSummary withHalt(Halt h) {
    return with(recordsDropped, watermark, h);
  }

  /** The same summary with {@code text} as its message. */
  public RunSummary withMessage(String text) {
    return new RunSummary(
        runId,
        outcome,
        failure,
        text,
        recordsRead,
        recordsWritten,
        recordsRejected,
        recordsDropped,
        durationMillis,
        watermark,
        steps,
        halt);
  }

  /** The same summary with the count of records validate dropped (onInvalid drop). */
  public RunSummary withRecordsDropped(long n) {
    return with(n, watermark, halt);
  }

  private RunSummary with(long dropped, String mark, Halt h) {
    return new RunSummary(
        runId,
        outcome,
        failure,
        message,
        recordsRead,
        recordsWritten,
        recordsRejected,
        dropped,
        durationMillis,
        mark,
        steps,
        h);
  }

  /**
   * The record a stream worker halted on: everything before it is committed, it and what follows
   * wait. {@link #position()} is the value of the {@code tributary.io/skip-record} annotation that
   * sends exactly this record to the dead letters and resumes.
   *
   * @param step the step that refused it, e.g. {@code transforms[0] (validate)}
   * @param reason why, naming the field (never a value)
   */
  public record Halt(String topic, int partition, long offset, String step, String reason) {
    /** {@code topic/partition@offset}. */
    public RecordPosition position() {
      return new RecordPosition(topic, partition, offset);
    }
  }

  /**
   * Per-step counts: records into and out of the step, rejected (dead-lettered, or kept nowhere
   * without a destination) and dropped (a validate step with onInvalid drop; left out when 0).
   */
  public record StepCount(
      String step,
      long in,
      long out,
      long rejected,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) long dropped) {
    /** Counts of a step that drops nothing. */
    public StepCount(String step, long in, long out, long rejected) {
      this(step, in, out, rejected, 0);
    }
  }
}

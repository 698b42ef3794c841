package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One run of a DataPipeline, as kept in status. Build one with {@link #builder()}, change one with
 * {@link #toBuilder()}: call sites name what they set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(
    @JsonPropertyDescription("Run id, also the tributary.io/run-id label of its Job.") String id,
    @JsonPropertyDescription("What started it: spec, schedule, runNow or dependsOn.")
        String trigger,
    @JsonPropertyDescription("Attempt number, 1 for the first try.") Integer attempt,
    @JsonPropertyDescription(
            "Pending (the attempt's pod is not running yet: message says why, e.g. the"
                + " scheduler's 'Insufficient cpu'), Running, BackingOff (waiting to retry),"
                + " Succeeded, Failed, or Skipped (due while another run was active,"
                + " concurrencyPolicy Forbid).")
        RunPhase phase,
    @JsonPropertyDescription("Name of the Job of the current attempt.") String jobName,
    @JsonPropertyDescription("When the run was due (the schedule time, or when it was triggered).")
        String scheduledAt,
    @JsonPropertyDescription("When the current attempt started.") String startedAt,
    @JsonPropertyDescription("When the run ended.") String finishedAt,
    @JsonPropertyDescription("When the next retry attempt starts (phase BackingOff).")
        String retryAt,
    @JsonPropertyDescription("Records read from the source.") Long recordsRead,
    @JsonPropertyDescription("Records written to the sink.") Long recordsWritten,
    @JsonPropertyDescription(
            "Records rejected: dead-lettered, or counted only when no dead-letter destination"
                + " is set.")
        Long recordsRejected,
    @JsonPropertyDescription(
            "Records a validate step with onInvalid drop discarded (not rejected, not"
                + " dead-lettered); unset when none.")
        Long recordsDropped,
    @JsonPropertyDescription("High watermark reached by an incremental source.") String watermark,
    @JsonPropertyDescription(
            "Failure class of a failed attempt: retryable, permanent (never retried) or replaced"
                + " (stopped by concurrencyPolicy Replace).")
        RunFailure failure,
    @JsonPropertyDescription(
            "Summary or error message of the run; while Pending, why its pod is not running;"
                + " while a run split across pods (compute.parallelism) runs, how many of its"
                + " parts are staged, e.g. '2 of 3 parts staged'.")
        String message,
    @JsonPropertyDescription(
            "For dependsOn runs: the upstream run ids (name=runId) that triggered it.")
        String upstreamRuns) {

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this record's values. */
  public Builder toBuilder() {
    return new Builder()
        .id(id)
        .trigger(trigger)
        .attempt(attempt)
        .phase(phase)
        .jobName(jobName)
        .scheduledAt(scheduledAt)
        .startedAt(startedAt)
        .finishedAt(finishedAt)
        .retryAt(retryAt)
        .recordsRead(recordsRead)
        .recordsWritten(recordsWritten)
        .recordsRejected(recordsRejected)
        .recordsDropped(recordsDropped)
        .watermark(watermark)
        .failure(failure)
        .message(message)
        .upstreamRuns(upstreamRuns);
  }

  /** Builds a {@link RunRecord}; every field left unset is null. */
  public static final class Builder {
    private String id;
    private String trigger;
    private Integer attempt;
    private RunPhase phase;
    private String jobName;
    private String scheduledAt;
    private String startedAt;
    private String finishedAt;
    private String retryAt;
    private Long recordsRead;
    private Long recordsWritten;
    private Long recordsRejected;
    private Long recordsDropped;
    private String watermark;
    private RunFailure failure;
    private String message;
    private String upstreamRuns;

    private Builder() {}

    public Builder id(String v) {
      id = v;
      return this;
    }

    public Builder trigger(String v) {
      trigger = v;
      return this;
    }

    public Builder attempt(Integer v) {
      attempt = v;
      return this;
    }

    public Builder phase(RunPhase v) {
      phase = v;
      return this;
    }

    public Builder jobName(String v) {
      jobName = v;
      return this;
    }

    public Builder scheduledAt(String v) {
      scheduledAt = v;
      return this;
    }

    public Builder startedAt(String v) {
      startedAt = v;
      return this;
    }

    public Builder finishedAt(String v) {
      finishedAt = v;
      return this;
    }

    public Builder retryAt(String v) {
      retryAt = v;
      return this;
    }

    public Builder recordsRead(Long v) {
      recordsRead = v;
      return this;
    }

    public Builder recordsWritten(Long v) {
      recordsWritten = v;
      return this;
    }

    public Builder recordsRejected(Long v) {
      recordsRejected = v;
      return this;
    }

    public Builder recordsDropped(Long v) {
      recordsDropped = v;
      return this;
    }

    public Builder watermark(String v) {
      watermark = v;
      return this;
    }

    public Builder failure(RunFailure v) {
      failure = v;
      return this;
    }

    public Builder message(String v) {
      message = v;
      return this;
    }

    public Builder upstreamRuns(String v) {
      upstreamRuns = v;
      return this;
    }

    public RunRecord build() {
      return new RunRecord(
          id,
          trigger,
          attempt,
          phase,
          jobName,
          scheduledAt,
          startedAt,
          finishedAt,
          retryAt,
          recordsRead,
          recordsWritten,
          recordsRejected,
          recordsDropped,
          watermark,
          failure,
          message,
          upstreamRuns);
    }
  }
}

package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One run of a DataPipeline, as kept in status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(
    @JsonPropertyDescription("Run id, also the tributary.io/run-id label of its Job.") String id,
    @JsonPropertyDescription("What started it: spec, schedule, runNow or dependsOn.")
        String trigger,
    @JsonPropertyDescription("Attempt number, 1 for the first try.") Integer attempt,
    @JsonPropertyDescription(
            "Running, BackingOff (waiting to retry), Succeeded, Failed, or Skipped (due while"
                + " another run was active, concurrencyPolicy Forbid).")
        String phase,
    @JsonPropertyDescription("Name of the Job of the current attempt.") String jobName,
    @JsonPropertyDescription("When the run was due (the schedule time, or when it was triggered).")
        String scheduledAt,
    @JsonPropertyDescription("When the current attempt started.") String startedAt,
    @JsonPropertyDescription("When the run ended.") String finishedAt,
    @JsonPropertyDescription("When the next retry attempt starts (phase BackingOff).")
        String retryAt,
    @JsonPropertyDescription("Records read from the source.") Long recordsRead,
    @JsonPropertyDescription("Records written to the sink.") Long recordsWritten,
    @JsonPropertyDescription("Records rejected (dead-lettered or dropped as invalid).")
        Long recordsRejected,
    @JsonPropertyDescription("High watermark reached by an incremental source.") String watermark,
    @JsonPropertyDescription(
            "Failure class of a failed attempt: retryable, permanent (never retried) or replaced"
                + " (stopped by concurrencyPolicy Replace).")
        String failure,
    @JsonPropertyDescription("Summary or error message of the run.") String message,
    @JsonPropertyDescription(
            "For dependsOn runs: the upstream run ids (name=runId) that triggered it.")
        String upstreamRuns) {}

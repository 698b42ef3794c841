package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/** Observed state of a batch pipeline. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataPipelineStatus(
    @JsonPropertyDescription("Generation of the spec the operator last acted on.")
        Long observedGeneration,
    @JsonPropertyDescription(
            "Idle, Running, BackingOff, Succeeded, Failed, Suspended, Waiting or Invalid.")
        String phase,
    @JsonPropertyDescription(
            "Conditions Ready, Progressing and Degraded, each with a CamelCase reason and a"
                + " message that says what to do; kubectl describe lists them.")
        List<Condition> conditions,
    @JsonPropertyDescription("The latest run (active or finished).") RunRecord lastRun,
    @JsonPropertyDescription("The latest successful run.") RunRecord lastSuccessfulRun,
    @JsonPropertyDescription("Recent runs, newest first, at most spec.historyLimit.")
        List<RunRecord> runs,
    @JsonPropertyDescription("When the schedule fires next.") String nextRunTime,
    @JsonPropertyDescription("The last schedule time a run was started (or skipped) for.")
        String lastScheduleTime,
    @JsonPropertyDescription("The last tributary.io/run-now value acted on.") String lastRunNow,
    @JsonPropertyDescription("Generation of the spec the last spec-triggered run was for.")
        Long lastSpecRunGeneration,
    @JsonPropertyDescription(
            "For dependsOn: the upstream run id each upstream's latest consumed success had.")
        Map<String, String> consumedUpstreamRuns,
    @JsonPropertyDescription("High watermark of the incremental source after the last success.")
        String watermark) {}

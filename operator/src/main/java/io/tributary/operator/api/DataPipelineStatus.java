package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/**
 * Observed state of a batch pipeline. Written only by the operator. Build one with {@link
 * #builder()}, change one with {@link #toBuilder()}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataPipelineStatus(
    @JsonPropertyDescription("Generation of the spec the operator last acted on.")
        Long observedGeneration,
    @JsonPropertyDescription(
            "Idle, Pending (a run's pod is not running yet; the Progressing condition says why),"
                + " Running, BackingOff, Succeeded, Failed, Suspended, Waiting or Invalid.")
        PipelinePhase phase,
    @JsonPropertyDescription(
            "Conditions Ready, Progressing and Degraded, each with a CamelCase reason and a"
                + " message that says what to do; kubectl describe lists them.")
        List<Condition> conditions,
    @JsonPropertyDescription("The latest run (active or finished).") RunRecord lastRun,
    @JsonPropertyDescription("The latest successful run.") RunRecord lastSuccessfulRun,
    @JsonPropertyDescription("Recent runs, newest first, at most spec.historyLimit.")
        List<RunRecord> runs,
    @JsonPropertyDescription("When the schedule fires next (RFC 3339, UTC).") String nextRunTime,
    @JsonPropertyDescription("The last schedule time a run was started (or skipped) for.")
        String lastScheduleTime,
    @JsonPropertyDescription("The last tributary.io/run-now value acted on.") String lastRunNow,
    @JsonPropertyDescription("Generation of the spec the last spec-triggered run was for.")
        Long lastSpecRunGeneration,
    @JsonPropertyDescription(
            "For dependsOn: the upstream run id each upstream's latest consumed success had.")
        Map<String, String> consumedUpstreamRuns,
    @JsonPropertyDescription("High watermark of the incremental source after the last success.")
        String watermark) {

  /** The status of a pipeline the operator has not written yet: every field null. */
  public static final DataPipelineStatus NONE = builder().build();

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this status's values. */
  public Builder toBuilder() {
    return new Builder()
        .observedGeneration(observedGeneration)
        .phase(phase)
        .conditions(conditions)
        .lastRun(lastRun)
        .lastSuccessfulRun(lastSuccessfulRun)
        .runs(runs)
        .nextRunTime(nextRunTime)
        .lastScheduleTime(lastScheduleTime)
        .lastRunNow(lastRunNow)
        .lastSpecRunGeneration(lastSpecRunGeneration)
        .consumedUpstreamRuns(consumedUpstreamRuns)
        .watermark(watermark);
  }

  /** This status with other conditions. */
  public DataPipelineStatus withConditions(List<Condition> c) {
    return toBuilder().conditions(c).build();
  }

  /** Builds a {@link DataPipelineStatus}; every field left unset is null. */
  public static final class Builder {
    private Long observedGeneration;
    private PipelinePhase phase;
    private List<Condition> conditions;
    private RunRecord lastRun;
    private RunRecord lastSuccessfulRun;
    private List<RunRecord> runs;
    private String nextRunTime;
    private String lastScheduleTime;
    private String lastRunNow;
    private Long lastSpecRunGeneration;
    private Map<String, String> consumedUpstreamRuns;
    private String watermark;

    private Builder() {}

    public Builder observedGeneration(Long v) {
      observedGeneration = v;
      return this;
    }

    public Builder phase(PipelinePhase v) {
      phase = v;
      return this;
    }

    public Builder conditions(List<Condition> v) {
      conditions = v;
      return this;
    }

    public Builder lastRun(RunRecord v) {
      lastRun = v;
      return this;
    }

    public Builder lastSuccessfulRun(RunRecord v) {
      lastSuccessfulRun = v;
      return this;
    }

    public Builder runs(List<RunRecord> v) {
      runs = v;
      return this;
    }

    public Builder nextRunTime(String v) {
      nextRunTime = v;
      return this;
    }

    public Builder lastScheduleTime(String v) {
      lastScheduleTime = v;
      return this;
    }

    public Builder lastRunNow(String v) {
      lastRunNow = v;
      return this;
    }

    public Builder lastSpecRunGeneration(Long v) {
      lastSpecRunGeneration = v;
      return this;
    }

    public Builder consumedUpstreamRuns(Map<String, String> v) {
      consumedUpstreamRuns = v;
      return this;
    }

    public Builder watermark(String v) {
      watermark = v;
      return this;
    }

    public DataPipelineStatus build() {
      return new DataPipelineStatus(
          observedGeneration,
          phase,
          conditions,
          lastRun,
          lastSuccessfulRun,
          runs,
          nextRunTime,
          lastScheduleTime,
          lastRunNow,
          lastSpecRunGeneration,
          consumedUpstreamRuns,
          watermark);
    }
  }
}

package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.plan.PlanCompiler;
import java.util.List;

/** Desired state of a batch pipeline. Code builds one with {@link #builder()}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// The plan compiler refuses the same, in the same words, for plans that bypass the schema.
@ValidationRule(
    value = "!has(self.source) || !has(self.source.mqtt)",
    fieldPath = ".source.mqtt",
    message = "spec.source.mqtt: " + PlanCompiler.MQTT_IS_A_STREAM)
@ValidationRule(
    value = "!has(self.dependsOn) || !has(self.schedule)",
    fieldPath = ".dependsOn",
    message =
        "spec.dependsOn: set either schedule or dependsOn, not both (a pipeline runs on a clock"
            + " or after its upstreams); remove one of them")
@ValidationRule(
    value =
        "!has(self.transforms) || has(self.schema) || !self.transforms.exists(t,"
            + " has(t.validate))",
    fieldPath = ".schema",
    message =
        "spec.schema: a validate step checks records against spec.schema; add spec.schema"
            + " (fields or jsonSchema) or remove the validate step")
@ValidationRule(
    value =
        "!has(self.compute) || !has(self.compute.parallelism) || self.compute.parallelism == 1"
            + " || (has(self.source.jdbc) && has(self.source.jdbc.partitionColumn)"
            + " && !has(self.source.jdbc.incremental) && has(self.sink.lake)"
            + " && self.sink.lake.format != 'iceberg')",
    fieldPath = ".compute.parallelism",
    message =
        "spec.compute.parallelism: a run splits across pods only from source.jdbc with"
            + " partitionColumn (an integer column, no incremental) into sink.lake with format"
            + " parquet or jsonl; other sources and sinks run in one pod: remove"
            + " compute.parallelism")
public record DataPipelineSpec(
    @Required
        @JsonPropertyDescription(
            "Where to extract from: exactly one of jdbc, files, http or kafka.")
        SourceSpec source,
    @Size(max = 64)
        @JsonPropertyDescription(
            "Transform steps applied to every record in order: validate, filter, map, derive,"
                + " normalize, dedupe, mask, consent, aggregate.")
        List<TransformSpec> transforms,
    @Required
        @JsonPropertyDescription(
            "Where to load into: exactly one of lake, jdbc, kafka or featureStore.")
        SinkSpec sink,
    @JsonPropertyDescription(
            "Record schema for validation, lineage and the personal-data policy (fields"
                + " classified personal or sensitive).")
        SchemaSpec schema,
    @JsonPropertyDescription(
            "Where rejected records go and how many a run tolerates before failing.")
        DeadLetterSpec deadLetter,
    @JsonPropertyDescription(
            "Cron schedule. Without schedule and dependsOn the pipeline runs once per spec"
                + " change (metadata.generation).")
        Schedule schedule,
    @Size(max = 16)
        @JsonPropertyDescription(
            "DataPipelines in the same namespace this one runs after: a run starts once"
                + " every upstream's latest run has succeeded, once per new upstream success.")
        List<UpstreamRef> dependsOn,
    @JsonPropertyDescription("Retries of failed runs with exponential backoff.")
        RetryPolicy retries,
    @JsonPropertyDescription(
            "When a run is due while one is active: Forbid (default) skips it, Replace stops the"
                + " active run, Allow runs both.")
        ConcurrencyPolicy concurrencyPolicy,
    @JsonPropertyDescription(
            "Stop starting new runs (active runs finish). Scheduled times passed while suspended"
                + " follow schedule.missedRuns.")
        Boolean suspend,
    @JsonPropertyDescription("Pool, resources, parallelism and accelerators of the run's workers.")
        ComputeSpec compute,
    @JsonPropertyDescription("Region the data must stay in (UAE data: me-central-1).")
        ResidencySpec residency,
    @Pattern("^([0-9]+(ms|s|m|h|d))+$")
        @JsonPropertyDescription(
            "A run still going after this long is stopped and counted as failed (default 6h).")
        String runTimeout,
    @Min(1)
        @Max(50)
        @JsonPropertyDescription("Finished runs kept in status.runs and as Jobs (default 10).")
        Integer historyLimit,
    @JsonPropertyDescription(
            "Send a CloudEvent when a run starts, succeeds (with its record counts and, for a"
                + " lake, where it committed) or fails (io.tributary.datapipeline.run.started,"
                + " .succeeded, .failed) to a Kafka topic or an HTTP endpoint, e.g. to start"
                + " training on fresh data. The run's worker sends them; a receiver that is down"
                + " never fails a run. See docs/events.md.")
        EventsSpec events)
    implements PipelineSpec {

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DataPipelineSpec}; every field left unset is null. */
  public static final class Builder {
    private SourceSpec source;
    private List<TransformSpec> transforms;
    private SinkSpec sink;
    private SchemaSpec schema;
    private DeadLetterSpec deadLetter;
    private Schedule schedule;
    private List<UpstreamRef> dependsOn;
    private RetryPolicy retries;
    private ConcurrencyPolicy concurrencyPolicy;
    private Boolean suspend;
    private ComputeSpec compute;
    private ResidencySpec residency;
    private String runTimeout;
    private Integer historyLimit;
    private EventsSpec events;

    private Builder() {}

    public Builder source(SourceSpec v) {
      source = v;
      return this;
    }

    public Builder transforms(List<TransformSpec> v) {
      transforms = v;
      return this;
    }

    public Builder sink(SinkSpec v) {
      sink = v;
      return this;
    }

    public Builder schema(SchemaSpec v) {
      schema = v;
      return this;
    }

    public Builder deadLetter(DeadLetterSpec v) {
      deadLetter = v;
      return this;
    }

    public Builder schedule(Schedule v) {
      schedule = v;
      return this;
    }

    public Builder dependsOn(List<UpstreamRef> v) {
      dependsOn = v;
      return this;
    }

    public Builder retries(RetryPolicy v) {
      retries = v;
      return this;
    }

    public Builder concurrencyPolicy(ConcurrencyPolicy v) {
      concurrencyPolicy = v;
      return this;
    }

    public Builder suspend(Boolean v) {
      suspend = v;
      return this;
    }

    public Builder compute(ComputeSpec v) {
      compute = v;
      return this;
    }

    public Builder residency(ResidencySpec v) {
      residency = v;
      return this;
    }

    public Builder runTimeout(String v) {
      runTimeout = v;
      return this;
    }

    public Builder historyLimit(Integer v) {
      historyLimit = v;
      return this;
    }

    public Builder events(EventsSpec v) {
      events = v;
      return this;
    }

    public DataPipelineSpec build() {
      return new DataPipelineSpec(
          source,
          transforms,
          sink,
          schema,
          deadLetter,
          schedule,
          dependsOn,
          retries,
          concurrencyPolicy,
          suspend,
          compute,
          residency,
          runTimeout,
          historyLimit,
          events);
    }
  }
}

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
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import java.util.List;

/** Desired state of a batch pipeline. */
@JsonInclude(JsonInclude.Include.NON_NULL)
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
    @JsonPropertyDescription("Record schema for validation, lineage and PII tagging.")
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
        Integer historyLimit)
    implements PipelineSpec {}

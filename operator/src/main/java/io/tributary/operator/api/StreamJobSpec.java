package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import java.util.List;

/** Desired state of a stream. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Rules guard with has() so a missing required field reports only "Required value".
@ValidationRule(
    value = "!has(self.source) || has(self.source.kafka)",
    fieldPath = ".source",
    message =
        "spec.source: a StreamJob reads from Kafka; set source.kafka (use a DataPipeline for"
            + " jdbc, files or http)")
// The stream worker has no feature-store writer yet: the schema refuses what it cannot run.
@ValidationRule(
    value = "!has(self.sink) || has(self.sink.kafka)",
    fieldPath = ".sink",
    message =
        "spec.sink: a StreamJob writes to Kafka; set sink.kafka (a StreamJob feature-store sink"
            + " is not built yet: load features with a DataPipeline, e.g. a bounded Kafka read"
            + " into sink.featureStore; use a DataPipeline for lake or jdbc)")
@ValidationRule(
    value =
        "!has(self.transforms) || has(self.schema) || !self.transforms.exists(t,"
            + " has(t.validate))",
    fieldPath = ".schema",
    message =
        "spec.schema: a validate step checks records against spec.schema; add spec.schema"
            + " (fields or jsonSchema) or remove the validate step")
public record StreamJobSpec(
    @Required
        @JsonPropertyDescription(
            "Where to read: source.kafka (topics, consumer group, starting offsets); a StreamJob"
                + " reads only from Kafka.")
        SourceSpec source,
    @Size(max = 64) @JsonPropertyDescription("Transform steps applied to every record in order.")
        List<TransformSpec> transforms,
    @Required
        @JsonPropertyDescription(
            "Where to write: sink.kafka (transactional with exactly-once). Other sink kinds are for"
                + " DataPipelines.")
        SinkSpec sink,
    @JsonPropertyDescription("Record schema for validation, lineage and PII tagging.")
        SchemaSpec schema,
    @JsonPropertyDescription(
            "Where records that fail validation or a transform go (default topic <input>.dlq).")
        DeadLetterSpec deadLetter,
    @JsonPropertyDescription(
            "exactly-once (default): consume, transform and produce in Kafka transactions;"
                + " at-least-once: faster, may duplicate after a crash.")
        Guarantee guarantee,
    @SpecReplicas
        @Min(0)
        @Max(1024)
        @JsonPropertyDescription(
            "Number of workers (default 1). Set by kubectl scale, an HPA or KEDA through the"
                + " scale subresource; ignored while autoscaling is set.")
        Integer replicas,
    @JsonPropertyDescription(
            "Let the operator size the workers from consumer-group lag, between minReplicas and"
                + " maxReplicas (and never above the partition count).")
        Autoscaling autoscaling,
    @Pattern("^([0-9]+(ms|s|m|h|d))+$")
        @JsonPropertyDescription(
            "How often offsets and state are committed (the transaction length), e.g. 500ms"
                + " (default 1s). Shorter: lower end-to-end latency; longer: higher throughput.")
        String checkpointInterval,
    @JsonPropertyDescription("Pool, resources, threads and accelerators of each worker.")
        ComputeSpec compute,
    @JsonPropertyDescription("Region the data must stay in (UAE data: me-central-1).")
        ResidencySpec residency,
    @JsonPropertyDescription("Scale the workers to zero and keep them there; offsets are kept.")
        Boolean suspend)
    implements PipelineSpec {

  /** Lag-driven autoscaling bounds. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "self.minReplicas <= self.maxReplicas",
      fieldPath = ".minReplicas",
      message =
          "spec.autoscaling.minReplicas: must be <= maxReplicas; lower minReplicas or raise"
              + " maxReplicas")
  public record Autoscaling(
      @Required
          @Min(0)
          @Max(1024)
          @JsonPropertyDescription("Fewest workers; 0 allows scale to zero when there is no lag.")
          Integer minReplicas,
      @Required
          @Min(1)
          @Max(1024)
          @JsonPropertyDescription(
              "Most workers; the operator never runs more than the input topics have"
                  + " partitions.")
          Integer maxReplicas,
      @Min(1)
          @JsonPropertyDescription(
              "Consumer lag (records) one worker is expected to absorb (default 1000).")
          Long targetLagPerReplica,
      @Pattern("^([0-9]+(ms|s|m|h|d))+$")
          @JsonPropertyDescription(
              "How long lag must stay low before scaling down, e.g. 5m (default 5m).")
          String scaleDownStabilization) {}
}

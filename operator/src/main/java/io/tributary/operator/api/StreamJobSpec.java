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
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.plan.PlanCompiler;
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
@ValidationRule(
    value =
        "!has(self.sink) || has(self.sink.kafka) || has(self.sink.featureStore) ||"
            + " has(self.sink.lake)",
    fieldPath = ".sink",
    message =
        "spec.sink: a StreamJob writes to Kafka, to the feature store or to an Iceberg table; set"
            + " sink.kafka, sink.featureStore or sink.lake (format iceberg); use a DataPipeline"
            + " for jdbc")
@ValidationRule(
    value = "!has(self.sink) || !has(self.sink.lake) || self.sink.lake.format == 'iceberg'",
    fieldPath = ".sink",
    message = "spec.sink.lake.format: " + PlanCompiler.STREAM_LAKE_FORMAT)
@ValidationRule(
    value =
        "!has(self.sink) || !has(self.sink.lake) || !has(self.transforms) ||"
            + " !self.transforms.exists(t, has(t.dedupe) || has(t.aggregate))",
    fieldPath = ".transforms",
    message =
        "spec.transforms: a StreamJob with sink.lake runs stateless steps only (the state"
            + " changelog of dedupe and aggregate cannot commit with the Iceberg append that"
            + " carries the offsets); remove those steps, or write to sink.kafka and load the topic"
            + " into the table")
// The plan compiler refuses the same, in the same words, for plans that bypass the schema.
@ValidationRule(
    value =
        "!has(self.sink) || !has(self.sink.featureStore) || (has(self.guarantee) &&"
            + " self.guarantee == 'at-least-once')",
    fieldPath = ".guarantee",
    message = "spec.guarantee: " + PlanCompiler.FEATURE_STORE_GUARANTEE)
@ValidationRule(
    value =
        "!has(self.transforms) || has(self.schema) || !self.transforms.exists(t,"
            + " has(t.validate))",
    fieldPath = ".schema",
    message =
        "spec.schema: a validate step checks records against spec.schema; add spec.schema"
            + " (fields or jsonSchema) or remove the validate step")
// One owner of the worker count: with autoscaling the operator sizes the workers, and a write to
// spec.replicas (kubectl scale, an HPA, KEDA, a GitOps repo) is refused instead of ignored.
@ValidationRule(
    value = "!has(self.autoscaling) || !has(self.replicas)",
    fieldPath = ".replicas",
    message =
        "spec.replicas: cannot be set while spec.autoscaling is set, because the operator then"
            + " owns the worker count; remove spec.replicas to keep autoscaling, or remove"
            + " spec.autoscaling to size the workers with spec.replicas, kubectl scale, an HPA or"
            + " KEDA")
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
            "Where to write: sink.kafka (transactional with exactly-once), sink.featureStore"
                + " (Redis, at-least-once with idempotent overwrites per entity: needs guarantee"
                + " at-least-once) or sink.lake with format iceberg (an Apache Iceberg table: one"
                + " append per checkpointInterval whose snapshot summary carries the Kafka offsets,"
                + " so the table holds every record exactly once; stateless steps only)."
                + " sink.jdbc and parquet or jsonl files are for DataPipelines.")
        SinkSpec sink,
    @JsonPropertyDescription(
            "Record schema for validation, lineage and the personal-data policy (fields"
                + " classified personal or sensitive).")
        SchemaSpec schema,
    @JsonPropertyDescription(
            "Where records that fail validation or a transform go (default topic <input>.dlq).")
        DeadLetterSpec deadLetter,
    @JsonPropertyDescription(
            "exactly-once (default): consume, transform and produce in Kafka transactions;"
                + " at-least-once: faster, may duplicate after a crash (required with"
                + " sink.featureStore, where a replay overwrites the same entities). With"
                + " sink.lake the table is exactly-once either way (the offsets commit in the"
                + " Iceberg snapshot) and dead letters are at-least-once.")
        Guarantee guarantee,
    @SpecReplicas
        @Min(0)
        @Max(1024)
        @JsonPropertyDescription(
            "Number of workers (default 1). Set by kubectl scale, an HPA or KEDA through the"
                + " scale subresource. Refused while autoscaling is set: then the operator owns the"
                + " worker count.")
        Integer replicas,
    @JsonPropertyDescription(
            "Let the operator size the workers from consumer-group lag and observed throughput,"
                + " between minReplicas and maxReplicas (and never above the partition count)."
                + " Excludes spec.replicas.")
        Autoscaling autoscaling,
    @Pattern("^([0-9]+(ms|s|m|h|d))+$")
        @JsonPropertyDescription(
            "How often offsets and state are committed (the transaction length), e.g. 500ms"
                + " (default 1s). Shorter: lower end-to-end latency; longer: higher throughput."
                + " With sink.lake each interval is one Iceberg snapshot and at least one data"
                + " file per partition written: prefer 1m or more.")
        String checkpointInterval,
    @JsonPropertyDescription("Pool, resources, threads and accelerators of each worker.")
        ComputeSpec compute,
    @JsonPropertyDescription("Region the data must stay in (UAE data: me-central-1).")
        ResidencySpec residency,
    @JsonPropertyDescription("Scale the workers to zero and keep them there; offsets are kept.")
        Boolean suspend,
    @JsonPropertyDescription(
            "Send CloudEvents when the workers rolled out a new spec, were scaled, or halted on a"
                + " record (io.tributary.streamjob.rolledout, .scaled, .halted) to a Kafka topic"
                + " or an HTTP endpoint. The operator sends them, in the background; a receiver"
                + " that is down delays nothing. See docs/events.md.")
        EventsSpec events)
    implements PipelineSpec {

  /** The same spec, sending its events to {@code v}. */
  public StreamJobSpec withEvents(EventsSpec v) {
    return new StreamJobSpec(
        source,
        transforms,
        sink,
        schema,
        deadLetter,
        guarantee,
        replicas,
        autoscaling,
        checkpointInterval,
        compute,
        residency,
        suspend,
        v);
  }

  /** Lag- and throughput-driven autoscaling; defaults in ScalingPolicy, explained in crds.md. */
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
          @JsonPropertyDescription(
              "Fewest workers; 0 allows scale to zero when the job is idle (no lag, nothing"
                  + " consumed) for scaleDownStabilization.")
          Integer minReplicas,
      @Required
          @Min(1)
          @Max(1024)
          @JsonPropertyDescription(
              "Most workers; the operator never runs more than the input topics have"
                  + " partitions.")
          Integer maxReplicas,
      @Pattern("^([0-9]+(ms|s|m|h|d))+$")
          @JsonPropertyDescription(
              "Size the workers to keep up with the records arriving and drain the current lag"
                  + " within this time, at the throughput one worker was measured to reach, e.g."
                  + " 2m (default 5m). Shorter: fresher data, more workers.")
          String targetDrainTime,
      @Min(1)
          @JsonPropertyDescription(
              "Consumer lag (records) one worker is assumed to absorb until the workers'"
                  + " throughput has been measured (a new job, or one that never had a backlog)"
                  + " (default 1000).")
          Long targetLagPerReplica,
      @Pattern("^([0-9]+(ms|s|m|h|d))+$")
          @JsonPropertyDescription(
              "How long fewer workers must have been enough before a scale-down step, and the"
                  + " pause between two steps, e.g. 5m (default 5m).")
          String scaleDownStabilization,
      @Min(1)
          @Max(100)
          @JsonPropertyDescription(
              "Most workers one scale-down step removes, in percent of the current workers (at"
                  + " least one) (default 50: halve).")
          Integer scaleDownPercent,
      @Min(0)
          @JsonPropertyDescription(
              "With minReplicas 0: a job at zero workers wakes when its lag exceeds this many"
                  + " records (default 0: any record waiting), like KEDA's"
                  + " activationLagThreshold.")
          Long activationLagThreshold,
      @Pattern("^([0-9]+(ms|s|m|h|d))+$")
          @JsonPropertyDescription(
              "After a scale-up, how long to wait for the new workers to become ready before"
                  + " adding more, e.g. 10m for slow image pulls or new nodes (default 5m).")
          String readyTimeout) {

    /** Bounds with every other setting at its default. */
    public static Autoscaling between(int minReplicas, int maxReplicas) {
      return new Autoscaling(minReplicas, maxReplicas, null, null, null, null, null, null);
    }

    public Autoscaling withTargetLagPerReplica(Long v) {
      return new Autoscaling(
          minReplicas,
          maxReplicas,
          targetDrainTime,
          v,
          scaleDownStabilization,
          scaleDownPercent,
          activationLagThreshold,
          readyTimeout);
    }

    public Autoscaling withScaleDownStabilization(String v) {
      return new Autoscaling(
          minReplicas,
          maxReplicas,
          targetDrainTime,
          targetLagPerReplica,
          v,
          scaleDownPercent,
          activationLagThreshold,
          readyTimeout);
    }
  }
}

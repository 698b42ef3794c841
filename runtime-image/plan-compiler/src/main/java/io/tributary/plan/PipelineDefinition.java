package io.tributary.plan;

import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.WorkerPlan.Kind;
import java.util.List;

/**
 * What a pipeline's spec says about the data path, as the user wrote it (nothing defaulted). The
 * operator builds it from a StreamJob or DataPipeline spec; tests build it directly.
 *
 * @param commitInterval a StreamJob's spec.checkpointInterval
 * @param parallelism spec.compute.parallelism
 * @param events spec.events: where run (DataPipeline) or rollout (StreamJob) events go, or null
 * @param accelerator spec.compute.accelerator.type (e.g. {@code nvidia.com/gpu}): the workers run
 *     on a GPU pool; null for none
 */
public record PipelineDefinition(
    Kind kind,
    SourceSpec source,
    List<TransformSpec> transforms,
    SinkSpec sink,
    SchemaSpec schema,
    DeadLetterSpec deadLetter,
    Guarantee guarantee,
    String commitInterval,
    Integer parallelism,
    EventsSpec events,
    String accelerator) {

  /** The accelerator resource that makes infer steps run on CUDA by default. */
  public static final String NVIDIA_GPU = "nvidia.com/gpu";

  public static Builder stream() {
    return new Builder(Kind.STREAM_JOB);
  }

  public static Builder batch() {
    return new Builder(Kind.DATA_PIPELINE);
  }

  /** Names what it sets. */
  public static final class Builder {
    private final Kind kind;
    private SourceSpec source;
    private List<TransformSpec> transforms = List.of();
    private SinkSpec sink;
    private SchemaSpec schema;
    private DeadLetterSpec deadLetter;
    private Guarantee guarantee;
    private String commitInterval;
    private Integer parallelism;
    private EventsSpec events;
    private String accelerator;

    private Builder(Kind kind) {
      this.kind = kind;
    }

    public Builder source(SourceSpec v) {
      source = v;
      return this;
    }

    public Builder transforms(List<TransformSpec> v) {
      transforms = v == null ? List.of() : List.copyOf(v);
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

    public Builder guarantee(Guarantee v) {
      guarantee = v;
      return this;
    }

    public Builder commitInterval(String v) {
      commitInterval = v;
      return this;
    }

    public Builder parallelism(Integer v) {
      parallelism = v;
      return this;
    }

    public Builder events(EventsSpec v) {
      events = v;
      return this;
    }

    public Builder accelerator(String v) {
      accelerator = v;
      return this;
    }

    public PipelineDefinition build() {
      return new PipelineDefinition(
          kind,
          source,
          transforms,
          sink,
          schema,
          deadLetter,
          guarantee,
          commitInterval,
          parallelism,
          events,
          accelerator);
    }
  }
}

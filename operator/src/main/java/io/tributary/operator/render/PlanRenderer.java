package io.tributary.operator.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.DataPipelineSpec;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobSpec;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.source.KafkaSource;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a pipeline into its worker plan: the spec with every default applied. Defaults live here
 * and not in the CRD schema, so what users apply is what Argo CD compares (no drift).
 */
public final class PlanRenderer {
  static final String DEFAULT_COMMIT_INTERVAL = "5s";
  static final String DEFAULT_PROGRESS_INTERVAL = "10s";
  static final double DEFAULT_MAX_REJECTED_RATIO = 0.01;

  private PlanRenderer() {}

  public static WorkerPlan stream(StreamJob job, Optional<String> region, OperatorConfig config) {
    StreamJobSpec spec = job.getSpec();
    SourceSpec source = withConsumerGroup(spec.source(), job);
    String firstTopic = source.kafka().topics().get(0);
    DeadLetterSpec dl = spec.deadLetter();
    DeadLetterSpec deadLetter =
        new DeadLetterSpec(
            dl != null && dl.topic() != null ? dl.topic() : firstTopic + ".dlq",
            null,
            dl != null ? dl.maxRejectedRatio() : null);
    return new WorkerPlan(
        WorkerPlan.VERSION,
        WorkerPlan.KIND_STREAM,
        identity(job),
        null,
        region.orElse(null),
        config.workerMetricsPort(),
        WorkerPlan.SECRETS_DIR,
        source,
        transforms(spec.transforms()),
        spec.sink(),
        spec.schema(),
        deadLetter,
        spec.guarantee() != null ? spec.guarantee() : Guarantee.EXACTLY_ONCE,
        spec.checkpointInterval() != null ? spec.checkpointInterval() : DEFAULT_COMMIT_INTERVAL,
        null,
        config.lineage());
  }

  /**
   * The plan of a DataPipeline. It carries no run id: one plan serves every run of a generation,
   * and each run's Job passes its id and the incremental watermark as environment variables.
   */
  public static WorkerPlan batch(
      DataPipeline pipeline, Optional<String> region, OperatorConfig config) {
    DataPipelineSpec spec = pipeline.getSpec();
    DeadLetterSpec dl = spec.deadLetter();
    String dlPath = dl != null ? dl.path() : null;
    if (dlPath == null && spec.sink().lake() != null)
      dlPath = spec.sink().lake().path() + "/_rejected";
    DeadLetterSpec deadLetter =
        new DeadLetterSpec(
            dl != null ? dl.topic() : null,
            dlPath,
            dl != null && dl.maxRejectedRatio() != null
                ? dl.maxRejectedRatio()
                : DEFAULT_MAX_REJECTED_RATIO);
    return new WorkerPlan(
        WorkerPlan.VERSION,
        WorkerPlan.KIND_BATCH,
        identity(pipeline),
        null,
        region.orElse(null),
        config.workerMetricsPort(),
        WorkerPlan.SECRETS_DIR,
        withConsumerGroup(spec.source(), pipeline),
        transforms(spec.transforms()),
        spec.sink(),
        spec.schema(),
        deadLetter,
        null,
        null,
        DEFAULT_PROGRESS_INTERVAL,
        config.lineage());
  }

  /** The consumer group defaults to one per pipeline, so two pipelines never share offsets. */
  private static SourceSpec withConsumerGroup(SourceSpec source, HasMetadata owner) {
    KafkaSource k = source.kafka();
    if (k == null) return source;
    KafkaSource resolved =
        new KafkaSource(
            k.bootstrapServers(),
            k.topics(),
            k.consumerGroup() != null ? k.consumerGroup() : defaultGroup(owner),
            k.startingOffsets() != null
                ? k.startingOffsets()
                : KafkaSource.StartingOffsets.EARLIEST,
            k.saslJaasSecretRef());
    return new SourceSpec(null, null, null, resolved, source.region());
  }

  public static String defaultGroup(HasMetadata owner) {
    return "tributary-" + owner.getMetadata().getNamespace() + "-" + owner.getMetadata().getName();
  }

  private static List<io.tributary.pipeline.TransformSpec> transforms(
      List<io.tributary.pipeline.TransformSpec> transforms) {
    return transforms == null ? List.of() : transforms;
  }

  private static WorkerPlan.PipelineIdentity identity(HasMetadata owner) {
    var m = owner.getMetadata();
    return new WorkerPlan.PipelineIdentity(m.getNamespace(), m.getName(), m.getUid());
  }
}

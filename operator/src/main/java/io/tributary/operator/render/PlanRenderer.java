package io.tributary.operator.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.DataPipelineSpec;
import io.tributary.operator.api.Groups;
import io.tributary.operator.api.PipelineSpec;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobSpec;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.plan.PipelineDefinition;
import io.tributary.plan.PlanCompiler;
import io.tributary.plan.PlanContext;

/**
 * Hands a pipeline to the plan compiler: the spec as the user wrote it, plus what the operator
 * knows (identity, worker metrics port, lineage target, the run). Defaults are the compiler's, not
 * the CRD schema's, so what users apply is what Argo CD compares (no drift).
 */
public final class PlanRenderer {
  private PlanRenderer() {}

  /** The plan of a StreamJob's workers. */
  public static PlanCompiler.Result stream(StreamJob job, OperatorConfig config) {
    StreamJobSpec spec = job.getSpec();
    PipelineDefinition definition =
        dataPath(PipelineDefinition.stream(), spec)
            .guarantee(spec.guarantee())
            .commitInterval(spec.checkpointInterval())
            .parallelism(spec.compute() == null ? null : spec.compute().parallelism())
            .build();
    var annotations = job.getMetadata().getAnnotations();
    String skip = annotations == null ? null : annotations.get(Groups.SKIP_RECORD_ANNOTATION);
    return PlanCompiler.compile(definition, context(job, config).withSkipRecord(skip));
  }

  /**
   * The plan of one DataPipeline run, or with {@code run} null, the plan that checks the spec
   * before any run starts.
   */
  public static PlanCompiler.Result batch(
      DataPipeline pipeline, OperatorConfig config, WorkerPlan.Run run) {
    DataPipelineSpec spec = pipeline.getSpec();
    PipelineDefinition definition = dataPath(PipelineDefinition.batch(), spec).build();
    PlanContext context = context(pipeline, config);
    if (run != null) context = context.withRun(run.id(), run.attempt(), run.watermark());
    return PlanCompiler.compile(definition, context);
  }

  /** What both kinds say about the data path, and where their events go. */
  private static PipelineDefinition.Builder dataPath(
      PipelineDefinition.Builder definition, PipelineSpec spec) {
    var compute = spec.compute();
    return definition
        .accelerator(
            compute == null || compute.accelerator() == null ? null : compute.accelerator().type())
        .source(spec.source())
        .transforms(spec.transforms())
        .sink(spec.sink())
        .schema(spec.schema())
        .deadLetter(spec.deadLetter())
        .events(spec.events());
  }

  private static PlanContext context(HasMetadata owner, OperatorConfig config) {
    var m = owner.getMetadata();
    return PlanContext.of(m.getNamespace(), m.getName(), m.getUid())
        .withMetricsPort(config.workerMetricsPort())
        .withLineage(config.lineage());
  }
}

package io.tributary.operator.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.DataPipelineSpec;
import io.tributary.operator.api.Groups;
import io.tributary.operator.api.PipelineSpec;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobSpec;
import io.tributary.operator.api.TransformSetSpec;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.plan.PipelineDefinition;
import io.tributary.plan.PlanCompiler;
import io.tributary.plan.PlanContext;
import java.util.Map;

/**
 * Hands a pipeline to the plan compiler: the spec as the user wrote it, plus what the operator
 * knows (identity, worker metrics port, lineage target, the run, the TransformSets it names).
 * Defaults are the compiler's, not the CRD schema's, so what users apply is what Argo CD compares
 * (no drift). The steps of the TransformSets the spec names stand in place of the references
 * ({@link TransformSets}); the problems name places in the spec and in the sets.
 */
public final class PlanRenderer {
  private PlanRenderer() {}

  /** The plan of the workers of a StreamJob that names no TransformSet. */
  public static PlanCompiler.Result stream(StreamJob job, OperatorConfig config) {
    return stream(job, Map.of(), config);
  }

  /**
   * The plan of a StreamJob's workers.
   *
   * @param sets the TransformSets of the job's namespace that it names, by name
   */
  public static PlanCompiler.Result stream(
      StreamJob job, Map<String, TransformSetSpec> sets, OperatorConfig config) {
    StreamJobSpec spec = job.getSpec();
    TransformSets.Inlined steps = TransformSets.inline(spec.transforms(), sets);
    PipelineDefinition definition =
        dataPath(PipelineDefinition.stream(), spec, steps)
            .guarantee(spec.guarantee())
            .commitInterval(spec.checkpointInterval())
            .parallelism(spec.compute() == null ? null : spec.compute().parallelism())
            .build();
    var annotations = job.getMetadata().getAnnotations();
    String skip = annotations == null ? null : annotations.get(Groups.SKIP_RECORD_ANNOTATION);
    return inSpecTerms(
        PlanCompiler.compile(definition, context(job, config).withSkipRecord(skip)), steps);
  }

  /** {@link #batch(DataPipeline, Map, OperatorConfig, WorkerPlan.Run)} naming no TransformSet. */
  public static PlanCompiler.Result batch(
      DataPipeline pipeline, OperatorConfig config, WorkerPlan.Run run) {
    return batch(pipeline, Map.of(), config, run);
  }

  /**
   * The plan of one DataPipeline run, or with {@code run} null, the plan that checks the spec
   * before any run starts.
   *
   * @param sets the TransformSets of the pipeline's namespace that it names, by name
   */
  public static PlanCompiler.Result batch(
      DataPipeline pipeline,
      Map<String, TransformSetSpec> sets,
      OperatorConfig config,
      WorkerPlan.Run run) {
    DataPipelineSpec spec = pipeline.getSpec();
    TransformSets.Inlined steps = TransformSets.inline(spec.transforms(), sets);
    PipelineDefinition definition =
        dataPath(PipelineDefinition.batch(), spec, steps)
            .parallelism(spec.compute() == null ? null : spec.compute().parallelism())
            .build();
    PlanContext context = context(pipeline, config);
    if (run != null) context = context.withRun(run.id(), run.attempt(), run.watermark());
    return inSpecTerms(PlanCompiler.compile(definition, context), steps);
  }

  private static PlanCompiler.Result inSpecTerms(
      PlanCompiler.Result result, TransformSets.Inlined steps) {
    return new PlanCompiler.Result(
        result.plan(), steps.inSpecTerms(result.problems()), result.events());
  }

  /** What both kinds say about the data path, and where their events go. */
  private static PipelineDefinition.Builder dataPath(
      PipelineDefinition.Builder definition, PipelineSpec spec, TransformSets.Inlined steps) {
    var compute = spec.compute();
    return definition
        .accelerator(
            compute == null || compute.accelerator() == null ? null : compute.accelerator().type())
        .source(spec.source())
        .transforms(steps.steps())
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

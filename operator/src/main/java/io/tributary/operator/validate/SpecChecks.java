package io.tributary.operator.validate;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.TransformSetSpec;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.policy.DataPipelineChecks;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.policy.ResidencyPolicy;
import io.tributary.operator.render.PlanRenderer;
import io.tributary.operator.render.TransformSets;
import io.tributary.operator.status.Conditions.Reason;
import io.tributary.pipeline.TransformSpec;
import io.tributary.plan.PlanCompiler;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks a reconciler makes before it acts on a spec, in its order, for the reconcilers and for
 * {@code tributary validate} alike: what the CLI reports is what the operator's status would say.
 * The first problem wins, as in the Ready condition.
 */
public final class SpecChecks {
  private SpecChecks() {}

  /**
   * A DataPipeline: pool, residency, run settings, dependsOn cycles, the TransformSets it names,
   * then its plan (CEL, fields, personal data) with the sets' steps in place.
   *
   * @param sets the TransformSets of the namespace that the spec names and that exist, by name
   * @param pool the spec's ComputePool, or null when it names none or the pool does not exist
   * @param edges every DataPipeline of the namespace to the names it dependsOn
   */
  public static Optional<PipelineChecks.Problem> dataPipeline(
      DataPipeline p,
      Map<String, TransformSetSpec> sets,
      ComputePoolSpec pool,
      ResidencyPolicy.Residency residency,
      Map<String, List<String>> edges,
      OperatorConfig config) {
    return DataPipelineChecks.check(p.getMetadata().getName(), p.getSpec(), pool, residency, edges)
        .or(() -> transformSets(p.getSpec().transforms(), sets, p.getMetadata().getNamespace()))
        .or(() -> PipelineChecks.plan(PlanRenderer.batch(p, sets, config, null).problems()));
  }

  /**
   * A StreamJob: pool and residency, the TransformSets it names, then its plan ({@link
   * PlanRenderer#stream}, which the reconciler also needs to roll the workers out).
   *
   * @param sets the TransformSets of the namespace that the spec names and that exist, by name
   */
  public static Optional<PipelineChecks.Problem> streamJob(
      StreamJob job,
      Map<String, TransformSetSpec> sets,
      PlanCompiler.Result plan,
      ComputePoolSpec pool,
      ResidencyPolicy.Residency residency) {
    return PipelineChecks.check(job.getSpec(), pool, residency)
        .or(() -> transformSets(job.getSpec().transforms(), sets, job.getMetadata().getNamespace()))
        .or(() -> PipelineChecks.plan(plan.problems()));
  }

  /** Every TransformSet the steps name exists. */
  private static Optional<PipelineChecks.Problem> transformSets(
      List<TransformSpec> transforms, Map<String, TransformSetSpec> sets, String namespace) {
    return Optional.ofNullable(TransformSets.missing(transforms, sets, namespace))
        .map(m -> new PipelineChecks.Problem(Reason.TransformSetNotFound, m));
  }
}

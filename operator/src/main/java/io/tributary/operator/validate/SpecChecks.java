package io.tributary.operator.validate;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.StreamJobSpec;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.policy.DataPipelineChecks;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.policy.ResidencyPolicy;
import io.tributary.operator.render.PlanRenderer;
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
   * A DataPipeline: pool, residency, run settings, dependsOn cycles, then its plan (CEL, fields,
   * personal data).
   *
   * @param pool the spec's ComputePool, or null when it names none or the pool does not exist
   * @param edges every DataPipeline of the namespace to the names it dependsOn
   */
  public static Optional<PipelineChecks.Problem> dataPipeline(
      DataPipeline p,
      ComputePoolSpec pool,
      ResidencyPolicy.Residency residency,
      Map<String, List<String>> edges,
      OperatorConfig config) {
    return DataPipelineChecks.check(p.getMetadata().getName(), p.getSpec(), pool, residency, edges)
        .or(() -> PipelineChecks.plan(PlanRenderer.batch(p, config, null).problems()));
  }

  /**
   * A StreamJob: pool and residency, then its plan ({@link PlanRenderer#stream}, which the
   * reconciler also needs to roll the workers out).
   */
  public static Optional<PipelineChecks.Problem> streamJob(
      StreamJobSpec spec,
      PlanCompiler.Result plan,
      ComputePoolSpec pool,
      ResidencyPolicy.Residency residency) {
    return PipelineChecks.check(spec, pool, residency)
        .or(() -> PipelineChecks.plan(plan.problems()));
  }
}

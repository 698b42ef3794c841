package io.tributary.operator.validate;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.PipelineSpec;
import io.tributary.operator.api.StreamJobSpec;
import io.tributary.operator.policy.DataPipelineChecks;
import io.tributary.operator.policy.EndpointAddresses;
import io.tributary.operator.policy.EndpointCatalog;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.policy.ResidencyPolicy;
import io.tributary.plan.PlanCompiler;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks a reconciler makes before it acts on a spec, in its order, for the reconcilers and for
 * {@code tributary validate} alike: what the CLI reports is what the operator's status would say.
 * The first problem wins, as in the Ready condition, except that a problem that stops running
 * workers (data leaving its region, an endpoint outside the catalog) comes before one that does
 * not.
 */
public final class SpecChecks {
  private SpecChecks() {}

  /**
   * What the endpoint catalog says about a compiled pipeline's addresses: the refusal, if any, and
   * the DataEndpoints its workers' egress opens to.
   *
   * @param plan the compiled plan ({@link io.tributary.operator.render.PlanRenderer})
   */
  public static EndpointCatalog.Resolution endpoints(
      EndpointCatalog catalog,
      PlanCompiler.Result plan,
      ResidencyPolicy.Residency residency,
      PipelineSpec spec) {
    return catalog.resolve(EndpointAddresses.of(plan), residency, spec.source(), spec.sink());
  }

  /**
   * A DataPipeline: pool, residency, run settings, dependsOn cycles, the endpoint catalog, then its
   * plan (CEL, fields, personal data).
   *
   * @param plan the plan that checks the spec ({@code PlanRenderer.batch(p, config, null)})
   * @param pool the spec's ComputePool, or null when it names none or the pool does not exist
   * @param edges every DataPipeline of the namespace to the names it dependsOn
   * @param endpoints {@link #endpoints} of the same plan
   */
  public static Optional<PipelineChecks.Problem> dataPipeline(
      DataPipeline p,
      PlanCompiler.Result plan,
      ComputePoolSpec pool,
      ResidencyPolicy.Residency residency,
      Map<String, List<String>> edges,
      EndpointCatalog.Resolution endpoints) {
    Optional<PipelineChecks.Problem> spec =
        DataPipelineChecks.check(p.getMetadata().getName(), p.getSpec(), pool, residency, edges);
    return ordered(spec, endpoints, plan);
  }

  /**
   * A StreamJob: pool and residency, the endpoint catalog, then its plan ({@code
   * PlanRenderer.stream}, which the reconciler also needs to roll the workers out).
   *
   * @param endpoints {@link #endpoints} of the same plan
   */
  public static Optional<PipelineChecks.Problem> streamJob(
      StreamJobSpec spec,
      PlanCompiler.Result plan,
      ComputePoolSpec pool,
      ResidencyPolicy.Residency residency,
      EndpointCatalog.Resolution endpoints) {
    return ordered(PipelineChecks.check(spec, pool, residency), endpoints, plan);
  }

  /**
   * The spec's own problem, then the plan's, then the catalog's; but a catalog refusal that stops
   * running workers (residency, an endpoint outside the catalog) comes before any that does not.
   * The catalog's other problems (an address it cannot read, a region it contradicts) come last: an
   * unreadable address is usually refused by the plan check first, in its own words.
   */
  private static Optional<PipelineChecks.Problem> ordered(
      Optional<PipelineChecks.Problem> spec,
      EndpointCatalog.Resolution endpoints,
      PlanCompiler.Result plan) {
    Optional<PipelineChecks.Problem> catalog = endpoints.problem();
    if (spec.filter(PipelineChecks::stopsWorkers).isPresent()) return spec;
    if (catalog.filter(PipelineChecks::stopsWorkers).isPresent()) return catalog;
    return spec.or(() -> PipelineChecks.plan(plan.problems())).or(() -> catalog);
  }
}

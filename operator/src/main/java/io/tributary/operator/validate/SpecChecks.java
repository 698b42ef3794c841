package io.tributary.operator.validate;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.PipelineSpec;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.TransformSetSpec;
import io.tributary.operator.policy.DataPipelineChecks;
import io.tributary.operator.policy.EndpointAddresses;
import io.tributary.operator.policy.EndpointCatalog;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.policy.ResidencyPolicy;
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
   * <p>The fields of a TransformSet's steps are named as places in the spec and in the set, as the
   * plan's problems are ({@link TransformSets.Inlined#fieldInSpecTerms}).
   *
   * @param plan the compiled plan, the TransformSets' steps in place ({@link
   *     io.tributary.operator.render.PlanRenderer})
   * @param sets the TransformSets the plan was compiled with, by name
   */
  public static EndpointCatalog.Resolution endpoints(
      EndpointCatalog catalog,
      PlanCompiler.Result plan,
      ResidencyPolicy.Residency residency,
      PipelineSpec spec,
      Map<String, TransformSetSpec> sets) {
    TransformSets.Inlined steps = TransformSets.inline(spec.transforms(), sets);
    EndpointAddresses.Extraction found = EndpointAddresses.of(plan);
    EndpointAddresses.Extraction inSpecTerms =
        new EndpointAddresses.Extraction(
            found.addresses().stream()
                .map(
                    a ->
                        new EndpointAddresses.Address(
                            steps.fieldInSpecTerms(a.field()),
                            a.host(),
                            a.port(),
                            a.tls(),
                            a.worker()))
                .toList(),
            found.problems().stream().map(steps::fieldInSpecTerms).toList());
    return catalog.resolve(inSpecTerms, residency, spec.source(), spec.sink());
  }

  /**
   * {@link #endpoints(EndpointCatalog, PlanCompiler.Result, ResidencyPolicy.Residency,
   * PipelineSpec, Map)} of a spec naming no TransformSet.
   */
  public static EndpointCatalog.Resolution endpoints(
      EndpointCatalog catalog,
      PlanCompiler.Result plan,
      ResidencyPolicy.Residency residency,
      PipelineSpec spec) {
    return endpoints(catalog, plan, residency, spec, Map.of());
  }

  /**
   * A DataPipeline: pool, residency, run settings, dependsOn cycles, the TransformSets it names,
   * the endpoint catalog, then its plan (CEL, fields, personal data) with the sets' steps in place.
   *
   * @param sets the TransformSets of the namespace that the spec names and that exist, by name
   * @param plan the plan that checks the spec ({@code PlanRenderer.batch(p, sets, config, null)})
   * @param pool the spec's ComputePool, or null when it names none or the pool does not exist
   * @param edges every DataPipeline of the namespace to the names it dependsOn
   * @param endpoints {@link #endpoints} of the same plan
   */
  public static Optional<PipelineChecks.Problem> dataPipeline(
      DataPipeline p,
      Map<String, TransformSetSpec> sets,
      PlanCompiler.Result plan,
      ComputePoolSpec pool,
      ResidencyPolicy.Residency residency,
      Map<String, List<String>> edges,
      EndpointCatalog.Resolution endpoints) {
    Optional<PipelineChecks.Problem> spec =
        DataPipelineChecks.check(p.getMetadata().getName(), p.getSpec(), pool, residency, edges)
            .or(
                () ->
                    transformSets(p.getSpec().transforms(), sets, p.getMetadata().getNamespace()));
    return ordered(spec, endpoints, plan);
  }

  /**
   * A StreamJob: pool and residency, the TransformSets it names, the endpoint catalog, then its
   * plan ({@code PlanRenderer.stream}, which the reconciler also needs to roll the workers out).
   *
   * @param sets the TransformSets of the namespace that the spec names and that exist, by name
   * @param endpoints {@link #endpoints} of the same plan
   */
  public static Optional<PipelineChecks.Problem> streamJob(
      StreamJob job,
      Map<String, TransformSetSpec> sets,
      PlanCompiler.Result plan,
      ComputePoolSpec pool,
      ResidencyPolicy.Residency residency,
      EndpointCatalog.Resolution endpoints) {
    Optional<PipelineChecks.Problem> spec =
        PipelineChecks.check(job.getSpec(), pool, residency)
            .or(
                () ->
                    transformSets(
                        job.getSpec().transforms(), sets, job.getMetadata().getNamespace()));
    return ordered(spec, endpoints, plan);
  }

  /**
   * The spec's own problem (a TransformSet it names missing among them), then the plan's, then the
   * catalog's; but a catalog refusal that stops running workers (residency, an endpoint outside the
   * catalog) comes before any that does not. The catalog's other problems (an address it cannot
   * read, a region it contradicts) come last: an unreadable address is usually refused by the plan
   * check first, in its own words.
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

  /** Every TransformSet the steps name exists. */
  private static Optional<PipelineChecks.Problem> transformSets(
      List<TransformSpec> transforms, Map<String, TransformSetSpec> sets, String namespace) {
    return Optional.ofNullable(TransformSets.missing(transforms, sets, namespace))
        .map(m -> new PipelineChecks.Problem(Reason.TransformSetNotFound, m));
  }
}

package io.tributary.operator.policy;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.DataPipelineSpec;
import io.tributary.operator.schedule.RunPolicy;
import io.tributary.operator.status.Conditions.Reason;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything that makes a DataPipeline unable to run, beyond the CRD schema: the shared pipeline
 * checks (pool, residency, CEL), its run settings (cron, time zone, durations), and dependsOn
 * cycles among the namespace's pipelines. The first problem wins.
 */
public final class DataPipelineChecks {
  private DataPipelineChecks() {}

  /**
   * @param name the pipeline's name
   * @param edges every DataPipeline of the namespace to the names it dependsOn
   */
  public static Optional<PipelineChecks.Problem> check(
      String name,
      DataPipelineSpec spec,
      ComputePoolSpec pool,
      ResidencyPolicy.Residency residency,
      Map<String, List<String>> edges) {
    Optional<PipelineChecks.Problem> shared = PipelineChecks.check(spec, pool, residency);
    if (shared.isPresent()) return shared;
    Optional<String> runs = RunPolicy.validate(spec);
    if (runs.isPresent())
      return Optional.of(new PipelineChecks.Problem(Reason.InvalidSpec, runs.get()));
    if (spec.schedule() != null && spec.dependsOn() != null && !spec.dependsOn().isEmpty()) {
      return Optional.of(
          new PipelineChecks.Problem(
              Reason.InvalidSpec,
              "spec: set either schedule or dependsOn, not both; a pipeline runs on a clock or"
                  + " after its upstreams"));
    }
    return DependencyGraph.cycleThrough(name, edges)
        .map(
            cycle ->
                new PipelineChecks.Problem(
                    Reason.DependencyCycle,
                    "spec.dependsOn: "
                        + String.join(" -> ", cycle)
                        + " is a cycle, so none of them would ever run; remove one of these"
                        + " dependsOn entries"));
  }
}

package io.tributary.operator.status;

import io.tributary.operator.api.Condition;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.DataPipelineStatus;
import io.tributary.operator.api.PipelinePhase;
import io.tributary.operator.policy.PipelineChecks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * DataPipeline statuses the run scheduler does not make: an invalid spec and a reconcile error.
 * Both keep the run history, so fixing the spec does not make the pipeline forget its runs.
 */
public final class DataPipelineStatuses {
  private DataPipelineStatuses() {}

  public static DataPipelineStatus invalid(
      DataPipeline p, PipelineChecks.Problem problem, Instant now) {
    long gen = generation(p);
    DataPipelineStatus prev = previous(p);
    List<Condition> conditions =
        Conditions.merge(
            prev.conditions(),
            List.of(
                Conditions.of(Conditions.READY, false, problem.reason(), problem.message(), gen),
                Conditions.of(
                    Conditions.PROGRESSING,
                    false,
                    Conditions.Reason.Idle,
                    "No run starts until the spec is fixed",
                    gen),
                Conditions.of(
                    Conditions.DEGRADED,
                    false,
                    Conditions.Reason.NoProblems,
                    "The spec is invalid; no run has failed",
                    gen)),
            now);
    return prev.toBuilder()
        .observedGeneration(gen)
        .phase(PipelinePhase.INVALID)
        .conditions(conditions)
        .nextRunTime(null)
        .build();
  }

  /** Degraded=True ReconcileError; the other conditions stay as they were. */
  public static DataPipelineStatus error(DataPipeline p, Exception e, Instant now) {
    DataPipelineStatus prev = previous(p);
    List<Condition> desired = new ArrayList<>();
    if (prev.conditions() != null) {
      prev.conditions().stream()
          .filter(c -> !Conditions.DEGRADED.equals(c.type()))
          .forEach(desired::add);
    }
    desired.add(
        Conditions.of(
            Conditions.DEGRADED,
            true,
            Conditions.Reason.ReconcileError,
            "The operator could not reconcile this pipeline and will retry: " + e.getMessage(),
            generation(p)));
    return prev.withConditions(Conditions.merge(prev.conditions(), desired, now));
  }

  private static DataPipelineStatus previous(DataPipeline p) {
    return p.getStatus() != null ? p.getStatus() : DataPipelineStatus.NONE;
  }

  private static long generation(DataPipeline p) {
    Long g = p.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }
}

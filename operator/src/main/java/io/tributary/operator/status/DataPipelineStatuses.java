package io.tributary.operator.status;

import io.tributary.operator.api.Condition;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.DataPipelineStatus;
import io.tributary.operator.policy.PipelineChecks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * DataPipeline statuses the run scheduler does not make: an invalid spec and a reconcile error.
 * Both keep the run history, so fixing the spec does not make the pipeline forget its runs.
 */
public final class DataPipelineStatuses {
  public static final String PHASE_INVALID = "Invalid";

  private DataPipelineStatuses() {}

  public static DataPipelineStatus invalid(
      DataPipeline p, PipelineChecks.Problem problem, Instant now) {
    long gen = generation(p);
    DataPipelineStatus prev = previous(p);
    List<Condition> conditions =
        Conditions.merge(
            prev.conditions(),
            List.of(
                Conditions.of(
                    Conditions.READY,
                    false,
                    Conditions.Reason.valueOf(problem.reason()),
                    problem.message(),
                    gen),
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
    return new DataPipelineStatus(
        gen,
        PHASE_INVALID,
        conditions,
        prev.lastRun(),
        prev.lastSuccessfulRun(),
        prev.runs(),
        null,
        prev.lastScheduleTime(),
        prev.lastRunNow(),
        prev.lastSpecRunGeneration(),
        prev.consumedUpstreamRuns(),
        prev.watermark());
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
    return withConditions(prev, Conditions.merge(prev.conditions(), desired, now));
  }

  public static DataPipelineStatus withConditions(DataPipelineStatus s, List<Condition> c) {
    return new DataPipelineStatus(
        s.observedGeneration(),
        s.phase(),
        c,
        s.lastRun(),
        s.lastSuccessfulRun(),
        s.runs(),
        s.nextRunTime(),
        s.lastScheduleTime(),
        s.lastRunNow(),
        s.lastSpecRunGeneration(),
        s.consumedUpstreamRuns(),
        s.watermark());
  }

  private static DataPipelineStatus previous(DataPipeline p) {
    return p.getStatus() != null
        ? p.getStatus()
        : new DataPipelineStatus(
            null, null, null, null, null, null, null, null, null, null, null, null);
  }

  private static long generation(DataPipeline p) {
    Long g = p.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }
}

package io.tributary.plan;

import io.tributary.pipeline.plan.WorkerPlan;

/**
 * What the plan needs beyond the spec: who the pipeline is, what the platform configured, and for a
 * DataPipeline run, which run.
 *
 * @param run the run a DataPipeline plan is for; null to check a spec without starting a run
 * @param skipRecord a StreamJob's {@code tributary.io/skip-record} annotation ({@code
 *     topic/partition@offset}), or null
 */
public record PlanContext(
    WorkerPlan.PipelineIdentity pipeline,
    int metricsPort,
    WorkerPlan.LineageConfig lineage,
    WorkerPlan.Run run,
    String skipRecord) {

  public static PlanContext of(String namespace, String name, String uid) {
    return new PlanContext(
        new WorkerPlan.PipelineIdentity(namespace, name, uid), 0, null, null, null);
  }

  public PlanContext withMetricsPort(int port) {
    return new PlanContext(pipeline, port, lineage, run, skipRecord);
  }

  public PlanContext withLineage(WorkerPlan.LineageConfig config) {
    return new PlanContext(pipeline, metricsPort, config, run, skipRecord);
  }

  public PlanContext withRun(String id, int attempt, String watermark) {
    return new PlanContext(
        pipeline, metricsPort, lineage, new WorkerPlan.Run(id, attempt, watermark), skipRecord);
  }

  public PlanContext withSkipRecord(String position) {
    return new PlanContext(pipeline, metricsPort, lineage, run, position);
  }
}

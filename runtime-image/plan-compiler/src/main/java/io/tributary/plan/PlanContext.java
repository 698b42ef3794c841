package io.tributary.plan;

import io.tributary.pipeline.plan.WorkerPlan;

/**
 * What the plan needs beyond the spec: who the pipeline is, what the platform configured, and for a
 * DataPipeline run, which run.
 *
 * @param run the run a DataPipeline plan is for; null to check a spec without starting a run
 */
public record PlanContext(
    WorkerPlan.PipelineIdentity pipeline,
    int metricsPort,
    WorkerPlan.LineageConfig lineage,
    WorkerPlan.Run run) {

  public static PlanContext of(String namespace, String name, String uid) {
    return new PlanContext(new WorkerPlan.PipelineIdentity(namespace, name, uid), 0, null, null);
  }

  public PlanContext withMetricsPort(int port) {
    return new PlanContext(pipeline, port, lineage, run);
  }

  public PlanContext withLineage(WorkerPlan.LineageConfig config) {
    return new PlanContext(pipeline, metricsPort, config, run);
  }

  public PlanContext withRun(String id, int attempt, String watermark) {
    return new PlanContext(
        pipeline, metricsPort, lineage, new WorkerPlan.Run(id, attempt, watermark));
  }
}

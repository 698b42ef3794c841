package io.tributary.plan;

import io.tributary.pipeline.plan.WorkerPlan;

/** Names of Kafka resources that belong to a pipeline, derived from who it is. */
public final class PlanNames {
  private PlanNames() {}

  /**
   * {@code tributary-<namespace>-<name>}: the default consumer group, and the stem of the
   * pipeline's transactional ids, so two pipelines never share offsets or fence each other.
   */
  public static String pipeline(WorkerPlan.PipelineIdentity who) {
    return "tributary-" + who.namespace() + "-" + who.name();
  }

  /**
   * The transactional id of a DataPipeline's Kafka sink. Stable per pipeline, not per run: a
   * retry's producer fences a crashed attempt's open transaction, which the broker then aborts.
   */
  public static String batchTransactionalId(WorkerPlan.PipelineIdentity who) {
    return pipeline(who) + "-batch";
  }
}

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
    return namespacePrefix(who) + who.name();
  }

  /**
   * {@code tributary-<namespace>-}: every consumer group and transactional id of the namespace's
   * pipelines starts with it, so a platform team can grant each namespace's credentials exactly
   * these (Kafka ACLs with {@code --resource-pattern-type prefixed}), and a pipeline cannot join
   * another namespace's group or fence its producers.
   */
  public static String namespacePrefix(WorkerPlan.PipelineIdentity who) {
    return "tributary-" + who.namespace() + "-";
  }

  /**
   * The transactional id of a DataPipeline's Kafka sink. Stable per pipeline, not per run: a
   * retry's producer fences a crashed attempt's open transaction, which the broker then aborts.
   */
  public static String batchTransactionalId(WorkerPlan.PipelineIdentity who) {
    return pipeline(who) + "-batch";
  }
}

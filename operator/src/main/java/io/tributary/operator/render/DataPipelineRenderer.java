package io.tributary.operator.render;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.Groups;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.pipeline.Durations;
import io.tributary.pipeline.SecretRefs;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Desired state of a DataPipeline: its plan ConfigMap, and the Job of one run attempt. */
public final class DataPipelineRenderer {
  public static final String KIND_LABEL = "datapipeline";
  public static final String ENV_RUN_ID = "TRIBUTARY_RUN_ID";
  public static final String ENV_ATTEMPT = "TRIBUTARY_RUN_ATTEMPT";
  public static final String ENV_WATERMARK = "TRIBUTARY_WATERMARK";
  static final Duration DEFAULT_RUN_TIMEOUT = Duration.ofHours(6);

  private DataPipelineRenderer() {}

  public static WorkerPlan plan(DataPipeline p, Optional<String> region, OperatorConfig config) {
    return PlanRenderer.batch(p, region, config);
  }

  public static ConfigMap planConfigMap(DataPipeline p, WorkerPlan plan) {
    return new ConfigMapBuilder()
        .withMetadata(meta(p, Names.plan(p.getMetadata().getName()), Map.of()))
        .withData(Map.of(WorkerPod.PLAN_KEY, PlanJson.write(plan)))
        .build();
  }

  /**
   * The Job of one attempt of a run. Kubernetes never retries it (backoffLimit 0): the operator
   * owns retries, so it can tell a retryable failure from a permanent one and back off.
   *
   * @param watermark the incremental source's high watermark from the last success, or null
   */
  public static Job job(
      DataPipeline p,
      WorkerPlan plan,
      String runId,
      int attempt,
      String trigger,
      String watermark,
      ComputePoolSpec pool,
      Optional<String> region,
      OperatorConfig config) {
    String name = p.getMetadata().getName();
    Map<String, String> runLabels = new LinkedHashMap<>();
    runLabels.put(Groups.LABEL_RUN_ID, runId);
    runLabels.put(Groups.LABEL_ATTEMPT, String.valueOf(attempt));
    Map<String, String> podLabels = Labels.common(KIND_LABEL, name);
    podLabels.putAll(runLabels);
    Map<String, String> env = new LinkedHashMap<>();
    env.put(ENV_RUN_ID, runId);
    env.put(ENV_ATTEMPT, String.valueOf(attempt));
    if (watermark != null) env.put(ENV_WATERMARK, watermark);
    var input =
        new WorkerPod.Input(
            podLabels,
            Names.plan(name),
            Names.sha256(PlanJson.write(plan)),
            SecretRefs.names(SecretRefs.collect(plan.source(), plan.transforms(), plan.sink())),
            p.getSpec().compute(),
            pool,
            region,
            null,
            false,
            env);
    Duration timeout = Durations.parseOr(p.getSpec().runTimeout(), DEFAULT_RUN_TIMEOUT);
    ObjectMeta meta = meta(p, Names.job(name, runId, attempt), runLabels);
    meta.setAnnotations(Map.of("tributary.io/trigger", trigger));
    return new JobBuilder()
        .withMetadata(meta)
        .withNewSpec()
        .withBackoffLimit(0)
        .withParallelism(1)
        .withCompletions(1)
        .withActiveDeadlineSeconds(timeout.toSeconds())
        .withTemplate(WorkerPod.template(input, config))
        .endSpec()
        .build();
  }

  private static ObjectMeta meta(DataPipeline p, String name, Map<String, String> extra) {
    Map<String, String> labels = Labels.common(KIND_LABEL, p.getMetadata().getName());
    labels.putAll(extra);
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(p.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(Labels.owner(p))
        .build();
  }
}

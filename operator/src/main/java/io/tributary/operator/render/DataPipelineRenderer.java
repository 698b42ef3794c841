package io.tributary.operator.render;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.Groups;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.pipeline.Durations;
import io.tributary.pipeline.SecretRefs;
import io.tributary.pipeline.Volumes;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Desired state of one attempt of a DataPipeline run: its plan ConfigMap (the run id, attempt and
 * watermark are in the plan, so each attempt has its own) and its Job.
 */
public final class DataPipelineRenderer {
  public static final String KIND_LABEL = "datapipeline";
  static final Duration DEFAULT_RUN_TIMEOUT = Duration.ofHours(6);

  /** Retries Kubernetes makes of one failed index of a run split into parts. */
  public static final int PART_RETRIES = 2;

  /**
   * The completion index of a pod of an Indexed Job, handed to the worker as {@code --part}. The
   * Job controller sets this variable itself; the template declares it too (from the same
   * annotation) so the argument's {@code $(...)} reference is resolved by the kubelet whatever the
   * controller adds, and the worker reads only its arguments.
   */
  static final String PART_INDEX_ENV = "JOB_COMPLETION_INDEX";

  private DataPipelineRenderer() {}

  /**
   * The plan of one attempt, named after its Job. It is owned by the pipeline and deleted with its
   * Job, so the plan a finished run ran stays readable as long as the run is in the history.
   */
  public static ConfigMap runPlanConfigMap(DataPipeline p, WorkerPlan plan) {
    String job = Names.job(p.getMetadata().getName(), plan.run().id(), plan.run().attempt());
    return new ConfigMapBuilder()
        .withMetadata(meta(p, Names.runPlan(job), runLabels(plan.run())))
        .withData(Map.of(WorkerPod.PLAN_KEY, PlanJson.write(plan)))
        .build();
  }

  /**
   * The Job of one attempt of a run. Kubernetes never retries it (backoffLimit 0): the operator
   * owns retries, so it can tell a retryable failure from a permanent one and back off.
   *
   * @param plan the attempt's compiled plan ({@link PlanRenderer#batch} with its run)
   */
  public static Job job(
      DataPipeline p,
      WorkerPlan plan,
      String trigger,
      ComputePoolSpec pool,
      Optional<String> region,
      OperatorConfig config) {
    String name = p.getMetadata().getName();
    WorkerPlan.Run run = plan.run();
    String jobName = Names.job(name, run.id(), run.attempt());
    Map<String, String> podLabels = Labels.common(KIND_LABEL, name);
    podLabels.putAll(runLabels(run));
    var input =
        new WorkerPod.Input(
            podLabels,
            Names.runPlan(jobName),
            Names.sha256(PlanJson.write(plan)),
            SecretRefs.collect(plan.source(), plan.transforms(), plan.sink()),
            Volumes.collect(plan.source(), plan.sink()),
            p.getSpec().compute(),
            pool,
            region,
            null,
            false,
            WorkerPod.models(plan.transforms()));
    Duration timeout = Durations.parseOr(p.getSpec().runTimeout(), DEFAULT_RUN_TIMEOUT);
    ObjectMeta meta = meta(p, jobName, runLabels(run));
    meta.setAnnotations(Map.of("tributary.io/trigger", trigger));
    PodTemplateSpec template = WorkerPod.template(input, config);
    if (run.parted()) {
      return indexed(meta, run.parts(), timeout, template);
    }
    return new JobBuilder()
        .withMetadata(meta)
        .withNewSpec()
        .withBackoffLimit(0)
        .withParallelism(1)
        .withCompletions(1)
        .withActiveDeadlineSeconds(timeout.toSeconds())
        .withTemplate(template)
        .endSpec()
        .build();
  }

  /**
   * The Job of a run split into {@code parts}: a Kubernetes Indexed Job of {@code parts + 1}
   * indexes. Index i < parts reads part i and stages it; index {@code parts} waits for every part
   * and publishes them all in one commit. All run at once, so the commit index is there when the
   * last part lands. Kubernetes retries a failed index by itself ({@value #PART_RETRIES} times; a
   * retried part replaces its own staged output), except after a permanent failure (exit code
   * {@value ExitCodes#PERMANENT} or {@value ExitCodes#INVALID_PLAN}), and fails the whole Job as
   * soon as one index is out of retries (maxFailedIndexes 0), which stops the waiting commit index.
   * Retries of the whole run stay the operator's (a new Job, a new attempt).
   */
  private static Job indexed(ObjectMeta meta, int parts, Duration timeout, PodTemplateSpec t) {
    Container worker = t.getSpec().getContainers().get(0);
    worker.setArgs(
        List.of("run", "--plan", WorkerPlan.MOUNT_PATH, "--part", "$(" + PART_INDEX_ENV + ")"));
    List<EnvVar> env = new ArrayList<>(worker.getEnv());
    env.add(
        new EnvVarBuilder()
            .withName(PART_INDEX_ENV)
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.annotations['batch.kubernetes.io/job-completion-index']")
            .endFieldRef()
            .endValueFrom()
            .build());
    worker.setEnv(env);
    return new JobBuilder()
        .withMetadata(meta)
        .withNewSpec()
        .withCompletionMode("Indexed")
        .withCompletions(parts + 1)
        .withParallelism(parts + 1)
        .withBackoffLimitPerIndex(PART_RETRIES)
        .withMaxFailedIndexes(0)
        .withNewPodFailurePolicy()
        .addNewRule()
        .withAction("FailIndex")
        .withNewOnExitCodes()
        .withContainerName(worker.getName())
        .withOperator("In")
        .withValues(ExitCodes.PERMANENT, ExitCodes.INVALID_PLAN)
        .endOnExitCodes()
        .endRule()
        .endPodFailurePolicy()
        .withActiveDeadlineSeconds(timeout.toSeconds())
        .withTemplate(t)
        .endSpec()
        .build();
  }

  /**
   * The NetworkPolicy of the pipeline's run pods (every run and attempt): scrapes of the metrics
   * port from the monitoring namespace only, and with the endpoint catalog enforced, connections to
   * DNS and the DataEndpoints the runs use only ({@link NetworkPolicies}).
   */
  public static NetworkPolicy networkPolicy(
      DataPipeline p, OperatorConfig config, NetworkPolicies.Egress egress) {
    String name = p.getMetadata().getName();
    return NetworkPolicies.workers(
        meta(p, Names.runs(name), Map.of()),
        Labels.selector(KIND_LABEL, name),
        config.workerMetricsPort(),
        config.monitoringNamespace(),
        egress);
  }

  private static Map<String, String> runLabels(WorkerPlan.Run run) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Groups.LABEL_RUN_ID, run.id());
    labels.put(Groups.LABEL_ATTEMPT, String.valueOf(run.attempt()));
    return labels;
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

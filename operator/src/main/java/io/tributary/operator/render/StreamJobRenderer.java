package io.tributary.operator.render;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.pipeline.SecretRefs;
import io.tributary.pipeline.Volumes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Desired state of a StreamJob: plan ConfigMap, worker Deployment, metrics Service,
 * PodDisruptionBudget, NetworkPolicy and ServiceAccount. Pure: same input, same objects.
 */
public final class StreamJobRenderer {
  public static final String KIND_LABEL = "streamjob";

  private StreamJobRenderer() {}

  /**
   * @param plan the job's compiled plan ({@link PlanRenderer#stream})
   * @param replicas workers wanted now (spec, scale subresource or autoscaler, 0 when suspended)
   * @param pool the spec of the pool the job names, or null
   * @param egress where the workers may connect ({@link NetworkPolicies.Egress})
   */
  public static List<HasMetadata> render(
      StreamJob job,
      WorkerPlan plan,
      int replicas,
      ComputePoolSpec pool,
      Optional<String> region,
      OperatorConfig config,
      NetworkPolicies.Egress egress) {
    String planJson = PlanJson.write(plan);
    return List.of(
        planConfigMap(job, planJson),
        serviceAccount(job),
        deployment(job, replicas, plan, planHash(plan), pool, region, config),
        service(job, config),
        podDisruptionBudget(job),
        networkPolicy(job, config, egress));
  }

  /** The hash on the worker pods of {@code plan}: a pod with another one runs another plan. */
  public static String planHash(WorkerPlan plan) {
    return Names.sha256(PlanJson.write(plan));
  }

  static ConfigMap planConfigMap(StreamJob job, String planJson) {
    return new ConfigMapBuilder()
        .withMetadata(meta(job, Names.plan(job.getMetadata().getName())))
        .withData(Map.of(WorkerPod.PLAN_KEY, planJson))
        .build();
  }

  static ServiceAccount serviceAccount(StreamJob job) {
    return new ServiceAccountBuilder()
        .withMetadata(meta(job, Names.worker(job.getMetadata().getName())))
        .withAutomountServiceAccountToken(false)
        .build();
  }

  static Deployment deployment(
      StreamJob job,
      int replicas,
      WorkerPlan plan,
      String planHash,
      ComputePoolSpec pool,
      Optional<String> region,
      OperatorConfig config) {
    String name = job.getMetadata().getName();
    var input =
        new WorkerPod.Input(
            Labels.common(KIND_LABEL, name),
            Names.plan(name),
            planHash,
            SecretRefs.collect(plan.source(), plan.transforms(), plan.sink()),
            Volumes.collect(plan.source(), plan.sink()),
            job.getSpec().compute(),
            pool,
            region,
            Names.worker(name),
            true,
            WorkerPod.models(plan.transforms()));
    return new DeploymentBuilder()
        .withMetadata(meta(job, Names.worker(name)))
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(Labels.selector(KIND_LABEL, name))
        .endSelector()
        // One at a time: exactly-once workers fence each other through the transactional id,
        // so a surge would only make the old and new worker fight over partitions.
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(0))
        .withMaxUnavailable(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withTemplate(WorkerPod.template(input, config))
        .endSpec()
        .build();
  }

  /**
   * The workers' metrics Service, headless: Prometheus scrapes each worker through the endpoints,
   * never through a virtual IP, and kube-apiserver hands out Service IPs one at a time under one
   * lock, which made creating a thousand StreamJobs wait on IP allocation.
   */
  static Service service(StreamJob job, OperatorConfig config) {
    String name = job.getMetadata().getName();
    return new ServiceBuilder()
        .withMetadata(meta(job, Names.worker(name)))
        .withNewSpec()
        .withClusterIP(HEADLESS)
        .withSelector(Labels.selector(KIND_LABEL, name))
        .addNewPort()
        .withName("metrics")
        .withPort(config.workerMetricsPort())
        .withTargetPort(new IntOrString("metrics"))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  /** {@code spec.clusterIP} of a headless Service. */
  public static final String HEADLESS = "None";

  static PodDisruptionBudget podDisruptionBudget(StreamJob job) {
    String name = job.getMetadata().getName();
    return new PodDisruptionBudgetBuilder()
        .withMetadata(meta(job, Names.worker(name)))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(Labels.selector(KIND_LABEL, name))
        .endSelector()
        .endSpec()
        .build();
  }

  /**
   * Workers accept only metrics scrapes; they dial out to Kafka and the stores (only those of the
   * endpoint catalog they use, when it is enforced).
   */
  static NetworkPolicy networkPolicy(
      StreamJob job, OperatorConfig config, NetworkPolicies.Egress egress) {
    String name = job.getMetadata().getName();
    return NetworkPolicies.workers(
        meta(job, Names.worker(name)),
        Labels.selector(KIND_LABEL, name),
        config.workerMetricsPort(),
        config.monitoringNamespace(),
        egress);
  }

  private static ObjectMeta meta(StreamJob job, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(job.getMetadata().getNamespace())
        .withLabels(Labels.common(KIND_LABEL, job.getMetadata().getName()))
        .withOwnerReferences(Labels.owner(job))
        .build();
  }
}

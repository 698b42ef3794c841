package io.tributary.operator.reconcile;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.ComputePoolStatus;
import io.tributary.operator.api.ComputeSpec;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.PoolScaleReason;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.render.Labels;
import io.tributary.operator.render.StreamJobRenderer;
import io.tributary.operator.render.WorkerPod;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.status.PoolStatuses;
import io.tributary.operator.testing.MockCluster;
import io.tributary.operator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ComputePoolReconcilerTest {
  private static final String CAPI = "cluster.x-k8s.io/v1beta2";
  private static final String MD_NAMESPACE = "capi-system";
  private final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  private MockCluster cluster;

  @BeforeEach
  void start() {
    cluster = new MockCluster(clock);
    cluster.startOperator();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void reportsMatchingReadyNodesAndTheirAllocatableResources() {
    cluster.client().resource(fixture("gpu-pool.yaml", ComputePool.class)).create();
    await().untilAsserted(() -> assertThat(status()).isNotNull());
    assertThat(status().nodes()).isZero();
    assertThat(status().conditions().get(0).reason()).isEqualTo("NoNodes");

    cluster.client().resource(node("gpu-1", "gpu-a100", true)).create();
    cluster.client().resource(node("gpu-2", "gpu-a100", false)).create();
    cluster.client().resource(node("cpu-1", "cpu-standard", true)).create();
    await().untilAsserted(() -> assertThat(status().nodes()).isEqualTo(2));
    assertThat(status().readyNodes()).isEqualTo(1);
    assertThat(status().nodesText()).isEqualTo("1/2");
    assertThat(status().allocatableCpu()).isEqualTo("8");
    assertThat(status().allocatableMemory()).isEqualTo("64Gi");
    assertThat(status().allocatableAccelerators()).isEqualTo(4L);
    assertThat(status().conditions().get(0).reason()).isEqualTo("NodesReady");
  }

  /**
   * The mock server serves /scale for a CRD that declares it, as the API server does for Cluster
   * API's MachineDeployment: a waiting GPU worker raises its replicas; once the worker has run and
   * gone, the idle node is cordoned and the replicas lowered after scaleDownDelay.
   */
  @Test
  void aWaitingWorkerGrowsTheScaleTargetAndAnIdleNodeShrinksItAfterTheDelay() {
    machineDeployment(0);
    cluster.client().resource(fixture("gpu-pool-autoscaled.yaml", ComputePool.class)).create();
    await().untilAsserted(() -> assertThat(status()).isNotNull());
    assertThat(condition("Scaling").reason()).isEqualTo("Stable");

    Pod worker = cluster.client().resource(gpuWorker("image-features-0")).create();
    worker.setStatus(
        Serialization.unmarshal(
            """
            phase: Pending
            conditions:
              - type: PodScheduled
                status: "False"
                reason: Unschedulable
                message: "0/8 nodes are available: 8 Insufficient nvidia.com/gpu."
            """,
            PodStatus.class));
    cluster.client().resource(worker).updateStatus();

    await().untilAsserted(() -> assertThat(replicas()).isEqualTo(1));
    await().untilAsserted(() -> assertThat(status().desiredNodes()).isEqualTo(1));
    assertThat(status().pending().workers()).isEqualTo(1);
    assertThat(status().pending().accelerators()).isEqualTo(1L);
    assertThat(status().pending().cpu()).isEqualTo("4");
    assertThat(status().pending().memory()).isEqualTo("16Gi");
    assertThat(status().lastDecision().reason()).isEqualTo(PoolScaleReason.PendingWorkers);
    assertThat(status().lastDecision().fromNodes()).isZero();
    assertThat(status().lastDecision().toNodes()).isEqualTo(1);
    assertThat(condition("Scaling").reason()).isEqualTo("ScaleUp");
    assertThat(condition("Scaling").message()).contains("MachineDeployment capi-system/gpu-a100");
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.client().v1().events().inNamespace("default").list().getItems())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("PendingWorkers");
                          assertThat(e.getType()).isEqualTo("Normal");
                          assertThat(e.getMessage()).contains("asked for 1 nodes (was 0)");
                        }));

    // The infrastructure brings the node up and the scheduler binds the worker there.
    cluster.client().resource(node("gpu-1", "gpu-a100", true)).create();
    worker = cluster.client().pods().inNamespace("analytics").withName("image-features-0").get();
    worker.getSpec().setNodeName("gpu-1");
    cluster.client().resource(worker).update();
    worker.setStatus(new PodStatusBuilder().withPhase("Running").build());
    cluster.client().resource(worker).updateStatus();
    await().untilAsserted(() -> assertThat(status().pending().workers()).isZero());
    await().untilAsserted(() -> assertThat(condition("Scaling").reason()).isEqualTo("Stable"));
    // The node may have been seen empty for a moment before the worker was bound to it; once the
    // worker holds it, it is not idle.
    await().untilAsserted(() -> assertThat(status().idleNodes()).isNull());

    // The job is gone: the node is idle from now on, and goes only after scaleDownDelay (15m).
    cluster.client().resource(worker).delete();
    await()
        .untilAsserted(
            () -> assertThat(status().idleNodes()).extracting("node").containsExactly("gpu-1"));
    clock.advance(Duration.ofMinutes(14));
    long done = cluster.reconcilesDone("ComputePool");
    touch("gpu-1");
    await().until(() -> cluster.reconcilesDone("ComputePool") > done);
    assertThat(replicas()).isEqualTo(1);
    assertThat(PoolStatuses.cordoned(node("gpu-1"))).as("not cordoned before 15m").isFalse();

    clock.advance(Duration.ofMinutes(1));
    touch("gpu-1");
    await().untilAsserted(() -> assertThat(replicas()).isZero());
    // The node is marked as leaving right after the replicas are lowered (ComputePoolReconciler).
    await()
        .untilAsserted(
            () ->
                assertThat(node("gpu-1").getMetadata().getAnnotations())
                    .containsEntry("tributary.io/scale-down", "removing"));
    assertThat(PoolStatuses.cordoned(node("gpu-1"))).isTrue();
    await()
        .untilAsserted(
            () ->
                assertThat(status().lastDecision().reason())
                    .isEqualTo(PoolScaleReason.RemovingIdleNodes));
    assertThat(condition("Scaling").reason()).isEqualTo("ScaleDown");
  }

  @Test
  void aScaleTargetThatDoesNotExistIsReportedWithTheFix() {
    cluster.client().resource(fixture("gpu-pool-autoscaled.yaml", ComputePool.class)).create();
    await()
        .untilAsserted(
            () -> assertThat(condition("Scaling").reason()).isEqualTo("ScaleTargetUnavailable"));
    assertThat(condition("Scaling").message())
        .contains("spec.scaleTargetRef MachineDeployment capi-system/gpu-a100");
    assertThat(status().desiredNodes()).isNull();
    assertThat(condition("AtMaximum").reason()).isEqualTo("NoScaleTarget");
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.client().v1().events().inNamespace("default").list().getItems())
                    .anySatisfy(
                        e -> assertThat(e.getReason()).isEqualTo("ScaleTargetUnavailable")));
  }

  /** A worker pod as the StreamJob renderer makes it for the GPU pool, not scheduled yet. */
  private static Pod gpuWorker(String name) {
    ComputePoolSpec pool = fixture("gpu-pool-autoscaled.yaml", ComputePool.class).getSpec();
    var compute =
        ComputeSpec.inPool("gpu-a100")
            .withResources(new ComputeSpec.Resources("4", "16Gi"))
            .withAccelerator(new ComputeSpec.Accelerator("nvidia.com/gpu", 1, "A100"));
    var template =
        WorkerPod.template(
            new WorkerPod.Input(
                Labels.common(StreamJobRenderer.KIND_LABEL, "image-features"),
                "image-features-plan",
                "hash",
                List.of(),
                List.of(),
                compute,
                pool,
                Optional.of("me-central-1"),
                null,
                true,
                Map.of()),
            OperatorConfig.fromEnv(Map.of()));
    return new PodBuilder()
        .withMetadata(template.getMetadata())
        .editMetadata()
        .withName(name)
        .withNamespace("analytics")
        .endMetadata()
        .withSpec(template.getSpec())
        .build();
  }

  private void machineDeployment(int replicas) {
    cluster
        .client()
        .resource(fixture("machinedeployment-crd.yaml", CustomResourceDefinition.class))
        .create();
    cluster
        .client()
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion(CAPI)
                .withKind("MachineDeployment")
                .withNewMetadata()
                .withName("gpu-a100")
                .withNamespace(MD_NAMESPACE)
                .endMetadata()
                .withAdditionalProperties(
                    Map.of("spec", Map.of("clusterName", "local", "replicas", replicas)))
                .build())
        .create();
  }

  private Integer replicas() {
    return cluster
        .client()
        .genericKubernetesResources(CAPI, "MachineDeployment")
        .inNamespace(MD_NAMESPACE)
        .withName("gpu-a100")
        .scale()
        .getSpec()
        .getReplicas();
  }

  /** A change to the node, so the operator looks at its pool again. */
  private void touch(String node) {
    cluster
        .client()
        .nodes()
        .withName(node)
        .edit(
            n ->
                new NodeBuilder(n)
                    .editMetadata()
                    .addToLabels(
                        "touched",
                        String.valueOf(
                            Integer.parseInt(
                                    n.getMetadata().getLabels().getOrDefault("touched", "0"))
                                + 1))
                    .endMetadata()
                    .build());
  }

  private Node node(String name) {
    return cluster.client().nodes().withName(name).get();
  }

  /** The pool's condition of {@code type}; an empty one until the operator has written it. */
  private Condition condition(String type) {
    Condition c = status() == null ? null : Conditions.find(status().conditions(), type);
    return c != null ? c : new Condition(type, null, null, null, null, null);
  }

  private ComputePoolStatus status() {
    ComputePool p = cluster.client().resources(ComputePool.class).withName("gpu-a100").get();
    return p == null ? null : p.getStatus();
  }

  private static Node node(String name, String pool, boolean ready) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(
            Map.of("tributary.io/pool", pool, "topology.kubernetes.io/region", "me-central-1"))
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .withAllocatable(
            Map.of(
                "cpu",
                new Quantity("8"),
                "memory",
                new Quantity("64Gi"),
                "nvidia.com/gpu",
                new Quantity("4")))
        .endStatus()
        .build();
  }
}

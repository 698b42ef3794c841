package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.e2e.Topology.Group;
import io.tributary.e2e.Topology.Taint;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node pool that really grows and shrinks: a GPU StreamJob on a pool at zero nodes stays Pending
 * until the operator raises the pool's Cluster API MachineDeployment (the real CRD, through its
 * /scale subresource), the local infrastructure loop (e2e/lib/machines.sh) turns the new replica
 * into a Machine and a node, and the worker lands there; with the job deleted, the node is cordoned
 * and the MachineDeployment lowered after scaleDownDelay, and the node goes.
 *
 * <p>The test brings its own MachineDeployment and pool, shaped like the autoscaled group of
 * e2e/topology.conf, so it neither waits for nor disturbs the samples' pool.
 */
class PoolAutoscalingE2E {
  private static final String NS = "e2e-pool-" + Topics.RUN;
  private static final String POOL = "e2e-burst-" + Topics.RUN;
  private static final String MD = "burst";
  private static final Group SHAPE =
      Topology.load().first(g -> g.autoscaled() && g.gpus() > 0, "autoscaled GPU group");

  @BeforeAll
  static void setUp() throws Exception {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS);
    Topics.create(Topics.name("e2e.frames"), 1);
    String labels =
        "tributary.io/pool=%s,topology.kubernetes.io/region=%s,nvidia.com/gpu.product=%s"
            .formatted(POOL, SHAPE.region(), SHAPE.gpuProduct().orElseThrow());
    String taints =
        SHAPE.taints().stream()
            .map(t -> t.key() + "=" + t.value() + ":" + t.effect())
            .collect(Collectors.joining(","));
    Kubectl.apply(
        """
        apiVersion: cluster.x-k8s.io/v1beta2
        kind: MachineDeployment
        metadata:
          name: %1$s
          namespace: %2$s
          labels: {tributary.io/kwok-machines: "true"}
          annotations:
            capacity.cluster-autoscaler.kubernetes.io/cpu: "%3$s"
            capacity.cluster-autoscaler.kubernetes.io/memory: "%4$s"
            capacity.cluster-autoscaler.kubernetes.io/gpu-count: "%5$d"
            capacity.cluster-autoscaler.kubernetes.io/gpu-type: nvidia.com/gpu
            capacity.cluster-autoscaler.kubernetes.io/labels: "%6$s"
            capacity.cluster-autoscaler.kubernetes.io/taints: "%7$s"
        spec:
          clusterName: local
          replicas: 0
          selector: {matchLabels: {cluster.x-k8s.io/deployment-name: %1$s}}
          template:
            metadata: {labels: {cluster.x-k8s.io/deployment-name: %1$s}}
            spec:
              clusterName: local
              bootstrap: {dataSecretName: kwok}
              infrastructureRef: {apiGroup: infrastructure.tributary.io, kind: KwokMachineTemplate, name: %1$s}
        ---
        apiVersion: tributary.io/v1alpha1
        kind: ComputePool
        metadata: {name: %8$s}
        spec:
          region: %9$s
          nodeSelector: {tributary.io/pool: %8$s}
          taints:
        %10$s
          accelerator: {type: nvidia.com/gpu, product: %11$s, perNode: %5$d}
          nodeTemplate: {cpu: "%3$s", memory: %4$s}
          minNodes: 0
          maxNodes: 2
          scaleDownDelay: 20s
          scaleTargetRef: {apiVersion: cluster.x-k8s.io/v1beta2, kind: MachineDeployment, name: %1$s, namespace: %2$s}
        """
            .formatted(
                MD,
                NS,
                SHAPE.cpu(),
                SHAPE.memory(),
                SHAPE.gpus(),
                labels,
                taints,
                POOL,
                SHAPE.region(),
                SHAPE.taints().stream()
                    .map(PoolAutoscalingE2E::taintItem)
                    .collect(Collectors.joining("\n")),
                SHAPE.gpuProduct().orElseThrow()));
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "computepool", POOL, "--wait=false");
    // The loop deletes the nodes of a MachineDeployment that is gone.
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  @Test
  void aGpuWorkerGrowsThePoolFromZeroAndThePoolShrinksBackWhenItIsGone() {
    assertThat(nodesOfPool()).as("the pool starts with no nodes").isEmpty();
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: frames, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.frames.%3$s]}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.frames.out.%3$s}
          guarantee: at-least-once
          replicas: 1
          compute:
            pool: %4$s
            accelerator: {type: nvidia.com/gpu, count: 1, product: %5$s}
        """
            .formatted(
                NS, Cluster.kafkaBootstrap(), Topics.RUN, POOL, SHAPE.gpuProduct().orElseThrow()));

    // The worker cannot be placed (no node has the pool's label), so the operator asks the
    // MachineDeployment for one node ...
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("machinedeployment", NS, MD, ".spec.replicas"))
                    .isEqualTo("1"));
    // The status is written after the scale target (the decision is carried out first).
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("computepool", null, POOL, ".status.desiredNodes"))
                    .isEqualTo("1"));
    assertThat(Kubectl.jsonpath("computepool", null, POOL, ".status.lastDecision.message"))
        .isNotBlank();
    assertThat(Kubectl.jsonpath("computepool", null, POOL, ".status.lastDecision.toNodes"))
        .isEqualTo("1");
    // Events are sent in the background: give them a moment.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(events(POOL)).contains("PendingWorkers"));

    // ... the infrastructure loop makes a Machine and its node, and the worker lands on it.
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              List<String> on = workerNodes();
              assertThat(on).hasSize(1);
              assertThat(nodesOfPool()).containsExactlyElementsOf(on);
            });
    String node = workerNodes().get(0);
    assertThat(node).startsWith(MD + "-");
    assertThat(
            Kubectl.jsonpath(
                "node", null, node, ".metadata.annotations.cluster\\.x-k8s\\.io/machine"))
        .isEqualTo(node);
    assertThat(Kubectl.jsonpath("machine", NS, node, ".status.nodeRef.name")).isEqualTo(node);
    assertThat(Kubectl.jsonpath("node", null, node, ".status.allocatable.nvidia\\.com/gpu"))
        .isEqualTo(Integer.toString(SHAPE.gpus()));
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("computepool", null, POOL, ".status.nodes"))
                    .isEqualTo("1"));

    // Without the job the node holds no worker: after scaleDownDelay (20s) it is cordoned, the
    // MachineDeployment lowered to minNodes (0), and the node goes with its Machine.
    Kubectl.run("delete", "streamjob", "frames", "-n", NS).ok();
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("machinedeployment", NS, MD, ".spec.replicas"))
                    .isEqualTo("0"));
    // As in Cluster API, the node goes first and its Machine after it: wait for both.
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              assertThat(nodesOfPool()).isEmpty();
              assertThat(Kubectl.run("get", "machines", "-n", NS, "-o", "name").ok().out())
                  .isBlank();
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        Kubectl.jsonpath("computepool", null, POOL, ".status.lastDecision.toNodes"))
                    .isEqualTo("0"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(events(POOL)).contains("IdleNodes").contains("RemovingIdleNodes"));
  }

  private static String taintItem(Taint t) {
    return "    - {key: %s, value: %s, effect: %s}".formatted(t.key(), t.value(), t.effect());
  }

  private static List<String> nodesOfPool() {
    String out =
        Kubectl.run("get", "nodes", "-l", "tributary.io/pool=" + POOL, "-o", "name").ok().out();
    return Arrays.stream(out.split("\n"))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(s -> s.substring(s.indexOf('/') + 1))
        .toList();
  }

  private static List<String> workerNodes() {
    String out =
        Kubectl.pods(
            NS,
            "app.kubernetes.io/instance=frames",
            "jsonpath={range .items[*]}{.spec.nodeName}{\"\\n\"}{end}");
    return Arrays.stream(out.split("\n")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String events(String pool) {
    return Kubectl.run(
            "get",
            "events",
            "-A",
            "--field-selector",
            "involvedObject.kind=ComputePool,involvedObject.name=" + pool,
            "-o",
            "jsonpath={range .items[*]}{.reason}{\" \"}{end}")
        .ok()
        .out();
  }
}

package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real scheduler places workers: a GPU StreamJob lands on a (KWOK) GPU node of its pool, and
 * residency-pinned workers never land outside their region.
 */
class PlacementE2E {
  private static final String NS = "e2e-placement-" + Topics.RUN;
  private static final Topology TOPOLOGY = Topology.load();

  private static final String EU_ENDPOINT = "e2e-kafka-eu-" + Topics.RUN;
  private static final String EU_BROKER_HOST = "kafka-eu-" + Topics.RUN + ".e2e.invalid";

  @BeforeAll
  static void setUp() {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS);
    // KWOK's fake nodes carry their own taint, so the pool lists it beside the GPU taint.
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: ComputePool
        metadata: {name: e2e-gpu}
        spec:
          region: me-central-1
          nodeSelector: {tributary.io/pool: gpu-a100}
          taints:
            - {key: nvidia.com/gpu, value: present, effect: NoSchedule}
            - {key: kwok.x-k8s.io/node, value: fake, effect: NoSchedule}
          accelerator: {type: nvidia.com/gpu, product: A100, perNode: 4}
        ---
        apiVersion: tributary.io/v1alpha1
        kind: ComputePool
        metadata: {name: e2e-eu}
        spec:
          region: eu-west-1
          nodeSelector: {tributary.io/pool: cpu-eu}
          taints:
            - {key: kwok.x-k8s.io/node, value: fake, effect: NoSchedule}
        ---
        # An EU broker in the endpoint catalog: the EU-resident job below may only use EU
        # endpoints. Its workers sit on KWOK nodes, so nothing ever connects to it.
        apiVersion: tributary.io/v1alpha1
        kind: DataEndpoint
        metadata: {name: %s}
        spec:
          type: kafka
          region: eu-west-1
          hosts: [%s]
          ports: [9092]
          egress:
            to: [{ipBlock: {cidr: 192.0.2.1/32}}]
        """
            .formatted(EU_ENDPOINT, EU_BROKER_HOST));
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
    Kubectl.run("delete", "computepool", "e2e-gpu", "e2e-eu", "--wait=false");
    Kubectl.run("delete", "dataendpoint", EU_ENDPOINT, "--wait=false");
  }

  @Test
  void gpuWorkersLandOnGpuNodesOfTheirPool() {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: embeddings, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.images]}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.embeddings}
          guarantee: at-least-once
          replicas: 2
          compute:
            pool: e2e-gpu
            accelerator: {type: nvidia.com/gpu, count: 1, product: A100}
        """
            .formatted(NS, Cluster.kafkaBootstrap()));
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              List<String> nodes = nodesOf("embeddings");
              assertThat(nodes)
                  .hasSize(2)
                  .allSatisfy(
                      n ->
                          assertThat(n)
                              .startsWith(TOPOLOGY.group("gpu-a100").prefix().get() + "-"));
            });
    // The pool reports the GPUs its ready nodes declare (e2e/cluster.sh: nvidia.com/gpu 4 on
    // each KWOK GPU node), not just some number: 0 would mean it found no GPU at all.
    long declared = readyGpusOfNodesLabelled("tributary.io/pool=gpu-a100");
    assertThat(declared).isPositive();
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(
                        Kubectl.jsonpath(
                            "computepool", null, "e2e-gpu", ".status.allocatableAccelerators"))
                    .isEqualTo(Long.toString(declared)));
  }

  /** nvidia.com/gpu allocatable, summed over the Ready nodes with {@code label}. */
  private static long readyGpusOfNodesLabelled(String label) {
    String rows =
        Kubectl.run(
                "get",
                "nodes",
                "-l",
                label,
                "-o",
                "jsonpath={range .items[*]}{.status.allocatable.nvidia\\.com/gpu}"
                    + "{\" \"}{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}")
            .ok()
            .out()
            .trim();
    assertThat(rows).as("nodes labelled %s", label).isNotEmpty();
    long gpus = 0;
    for (String row : rows.split("\n")) {
      String[] cols = row.trim().split(" ");
      if (cols.length == 2 && cols[1].equals("True")) gpus += Long.parseLong(cols[0]);
    }
    return gpus;
  }

  @Test
  void residencyPinnedWorkersNeverLeaveTheirRegion() {
    // UAE data, but the job asks for an EU pool: the operator refuses, and no pod exists.
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: uae-on-eu-pool, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.uae]}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.uae.out}
          guarantee: at-least-once
          compute: {pool: e2e-eu}
          residency: {region: me-central-1}
        """
            .formatted(NS, Cluster.kafkaBootstrap()));
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(
                        Kubectl.jsonpath(
                            "streamjob",
                            NS,
                            "uae-on-eu-pool",
                            ".status.conditions[?(@.type==\"Ready\")].reason"))
                    .isEqualTo("ResidencyViolation"));
    assertThat(nodesOf("uae-on-eu-pool")).isEmpty();
    assertThat(
            Kubectl.run("get", "events", "-n", NS, "--field-selector", "reason=ResidencyViolation")
                .ok()
                .out())
        .contains("uae-on-eu-pool");

    // EU-resident workers: the scheduler may only use EU nodes; with the region pinned it
    // never falls back to the (untainted, me-central-1) real node.
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: eu-resident, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.eu]}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.eu.out}
          guarantee: at-least-once
          replicas: 3
          compute: {pool: e2e-eu, resources: {cpu: 100m, memory: 128Mi}}
          residency: {region: eu-west-1}
        """
            .formatted(NS, EU_BROKER_HOST + ":9092"));
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              List<String> nodes = nodesOf("eu-resident");
              assertThat(nodes).hasSize(3);
              for (String node : nodes) {
                assertThat(
                        Kubectl.jsonpath(
                            "node",
                            null,
                            node,
                            ".metadata.labels.topology\\.kubernetes\\.io/region"))
                    .isEqualTo("eu-west-1");
              }
            });
  }

  @Test
  void theRegionAffinityHoldsEvenWhenAPoolSpansRegions() {
    // A mislabelled pool: it says me-central-1 but its selector matches fake nodes in both
    // regions. The required node affinity on the region keeps UAE workers off the EU nodes.
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: ComputePool
        metadata: {name: e2e-mixed}
        spec:
          region: me-central-1
          nodeSelector: {tributary.io/node-kind: kwok}
          taints:
            - {key: kwok.x-k8s.io/node, value: fake, effect: NoSchedule}
        """);
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: uae-spread, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.uae.spread]}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.uae.spread.out}
          guarantee: at-least-once
          replicas: 8
          compute: {pool: e2e-mixed, resources: {cpu: 100m, memory: 128Mi}}
          residency: {region: me-central-1}
        """
            .formatted(NS, Cluster.kafkaBootstrap()));
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .untilAsserted(
              () -> {
                List<String> nodes = nodesOf("uae-spread");
                assertThat(nodes).hasSize(8);
                assertThat(nodes)
                    .allSatisfy(
                        n ->
                            assertThat(n)
                                .startsWith(TOPOLOGY.group("cpu-standard").prefix().get() + "-"));
              });
    } finally {
      Kubectl.run("delete", "computepool", "e2e-mixed", "--wait=false");
    }
  }

  /** Nodes the job's pods were scheduled to (pods not yet scheduled are left out). */
  private static List<String> nodesOf(String job) {
    String out =
        Kubectl.pods(NS, "tributary.io/pipeline=" + job, "jsonpath={.items[*].spec.nodeName}");
    return out.isEmpty() ? List.of() : Arrays.asList(out.split("\\s+"));
  }
}

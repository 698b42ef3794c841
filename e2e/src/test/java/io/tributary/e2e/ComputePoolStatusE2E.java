package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ComputePool's conditions follow its nodes. The test brings its own two fake nodes under a pool
 * label no one else uses: one that KWOK keeps Ready, one that no kubelet (real or fake) ever
 * reports for, so it never becomes Ready. Cordoning the good one takes the pool out of service.
 */
class ComputePoolStatusE2E {
  private static final String POOL = "e2e-status-" + Topics.RUN;
  private static final String GOOD = POOL + "-good";
  private static final String SILENT = POOL + "-silent";

  @BeforeAll
  static void setUp() {
    Cluster.requireCluster();
    Kubectl.apply(node(GOOD, true) + "---\n" + node(SILENT, false));
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: ComputePool
        metadata: {name: %1$s}
        spec:
          region: me-central-1
          nodeSelector: {tributary.io/pool: %1$s}
          taints:
            - {key: kwok.x-k8s.io/node, value: fake, effect: NoSchedule}
        """
            .formatted(POOL));
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "computepool", POOL, "--wait=false");
    Kubectl.run("delete", "node", GOOD, SILENT, "--wait=false");
  }

  /** A fake node; only one with the KWOK annotation is managed (made Ready) by KWOK. */
  private static String node(String name, boolean kwokManaged) {
    return """
        apiVersion: v1
        kind: Node
        metadata:
          name: %1$s
          annotations: {%2$s}
          labels:
            type: kwok
            kubernetes.io/hostname: %1$s
            topology.kubernetes.io/region: me-central-1
            tributary.io/pool: %3$s
            tributary.io/node-kind: kwok
        spec:
          taints:
            - {key: kwok.x-k8s.io/node, value: fake, effect: NoSchedule}
        """
        .formatted(name, kwokManaged ? "kwok.x-k8s.io/node: fake" : "", POOL);
  }

  private static String condition(String type, String field) {
    return Kubectl.jsonpath(
        "computepool", null, POOL, ".status.conditions[?(@.type==\"" + type + "\")]." + field);
  }

  @Test
  void conditionsFollowReadyNotReadyAndCordonedNodes() {
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              assertThat(Kubectl.jsonpath("computepool", null, POOL, ".status.nodesText"))
                  .isEqualTo("1/2");
              assertThat(condition("Ready", "status")).isEqualTo("True");
              assertThat(condition("Ready", "reason")).isEqualTo("NodesReady");
              assertThat(condition("Degraded", "status")).isEqualTo("True");
              assertThat(condition("Degraded", "reason")).isEqualTo("NodesNotReady");
              assertThat(condition("Degraded", "message")).contains(SILENT);
              assertThat(condition("Progressing", "reason")).isEqualTo("Stable");
            });

    Kubectl.run("cordon", GOOD).ok();
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              assertThat(condition("Ready", "status")).isEqualTo("False");
              assertThat(condition("Ready", "reason")).isEqualTo("NoNodes");
              assertThat(condition("Progressing", "status")).isEqualTo("True");
              assertThat(condition("Progressing", "reason")).isEqualTo("NodesCordoned");
              assertThat(condition("Progressing", "message")).contains(GOOD);
            });

    Kubectl.run("uncordon", GOOD).ok();
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              assertThat(condition("Ready", "status")).isEqualTo("True");
              assertThat(condition("Progressing", "reason")).isEqualTo("Stable");
            });
  }
}

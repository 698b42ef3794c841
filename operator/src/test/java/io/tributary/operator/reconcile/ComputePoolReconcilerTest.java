package io.tributary.operator.reconcile;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.ComputePoolStatus;
import io.tributary.operator.testing.MockCluster;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ComputePoolReconcilerTest {
  private MockCluster cluster;

  @BeforeEach
  void start() {
    cluster = new MockCluster(Clock.systemUTC());
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

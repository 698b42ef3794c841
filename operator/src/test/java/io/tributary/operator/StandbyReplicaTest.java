package io.tributary.operator;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.metrics.Probes;
import io.tributary.operator.testing.MockCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chart runs two replicas with leader election: the one without the Lease starts its informers,
 * answers ready, reconciles nothing, and takes over once the Lease is free.
 */
class StandbyReplicaTest {
  private static final String NAMESPACE = "tributary-system";
  private static final String LEASE = "tributary-operator";
  private final MockCluster cluster = new MockCluster(Clock.systemUTC());

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void theStandbyIsReadyReconcilesNothingAndTakesOverWhenTheLeaseIsFree() {
    cluster.client().resource(fixture("gpu-pool.yaml", ComputePool.class)).create();
    cluster.client().resource(heldByTheOtherReplica()).create();

    cluster.startOperator(
        Map.of(),
        o ->
            o.withLeaderElectionConfiguration(
                new LeaderElectionConfiguration(
                    LEASE,
                    NAMESPACE,
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(1),
                    "standby",
                    null,
                    // The test stops this operator while it leads: no System.exit then.
                    false)));
    Probes probes = new Probes(Probes.of(cluster.operator()));

    await().until(probes::ready);
    assertThat(probes.live()).isTrue();
    assertThat(cluster.reconcilesDone("ComputePool")).isZero();
    assertThat(pool().getStatus()).as("the standby wrote no status").isNull();

    // The other replica is gone and its Lease with it: the standby takes the Lease and works.
    cluster.client().resources(Lease.class).inNamespace(NAMESPACE).withName(LEASE).delete();
    await().untilAsserted(() -> assertThat(pool().getStatus()).isNotNull());
    assertThat(
            cluster
                .client()
                .resources(Lease.class)
                .inNamespace(NAMESPACE)
                .withName(LEASE)
                .get()
                .getSpec()
                .getHolderIdentity())
        .isEqualTo("standby");
    assertThat(probes.ready()).isTrue();
  }

  private ComputePool pool() {
    return cluster.client().resources(ComputePool.class).withName("gpu-a100").get();
  }

  /** A Lease the other replica renewed just now, for an hour. */
  private static Lease heldByTheOtherReplica() {
    ZonedDateTime now = ZonedDateTime.now();
    return new LeaseBuilder()
        .withNewMetadata()
        .withName(LEASE)
        .withNamespace(NAMESPACE)
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity("other-replica")
        .withLeaseDurationSeconds(3600)
        .withAcquireTime(now)
        .withRenewTime(now)
        .withLeaseTransitions(0)
        .endSpec()
        .build();
  }
}

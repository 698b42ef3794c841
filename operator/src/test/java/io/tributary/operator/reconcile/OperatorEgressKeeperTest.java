package io.tributary.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.tributary.operator.Operators;
import io.tributary.operator.api.DataEndpoint;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.render.NetworkPolicies;
import io.tributary.operator.testing.MockCluster;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator keeps its egress policy in step with the catalog: created from the catalog at start,
 * narrowed when a DataEndpoint goes, widened when one comes; never kept when the chart does not
 * restrict the operator's egress.
 */
class OperatorEgressKeeperTest {
  private static final Map<String, String> EGRESS_ON =
      Map.of(
          "POD_NAMESPACE",
          "ops",
          "TRIBUTARY_OPERATOR_EGRESS_POD_LABELS",
          "app.kubernetes.io/name=tributary-operator");
  private final MockCluster cluster = new MockCluster(Clock.systemUTC());

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void followsTheCatalogsKafkaAndHttpEntries() {
    Role grant =
        cluster
            .client()
            .resource(
                new RoleBuilder()
                    .withNewMetadata()
                    .withName(OperatorEgressKeeper.OWNER_ROLE)
                    .withNamespace("ops")
                    .endMetadata()
                    .build())
            .create();
    cluster.startOperator(EGRESS_ON);
    await().until(() -> peers().size() == 3);
    // The chart's Role owns it: gone with the grant, never left restricting the operator alone.
    assertThat(policy().getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("Role");
              assertThat(o.getUid()).isEqualTo(grant.getMetadata().getUid());
            });
    // platform-kafka reaches tributary-system; event-receivers ml and argo-events; model-servers
    // models (fixtures/data-endpoints.yaml).
    assertThat(peers())
        .containsExactly(
            List.of("ml", "argo-events"), List.of("models"), List.of("tributary-system"));

    cluster.client().resources(DataEndpoint.class).withName("platform-kafka").delete();
    await().until(() -> peers().size() == 2);
    assertThat(peers()).doesNotContain(List.of("tributary-system"));

    DataEndpoint kafka = MockCluster.fixtureEndpoints().get(0);
    kafka.getMetadata().setName("a-second-kafka");
    cluster.client().resource(kafka).create();
    await().until(() -> peers().size() == 3);
    assertThat(peers().get(0)).containsExactly("tributary-system");
  }

  @Test
  void nothingIsKeptWhenTheOperatorsEgressIsOpenOrTheCatalogOff() {
    assertThat(
            Operators.egressKeeper(
                cluster.client(),
                OperatorConfig.fromEnv(Map.of("POD_NAMESPACE", "ops")),
                Applier.Mode.MERGE_PATCH))
        .isEmpty();
    Map<String, String> catalogOff = new java.util.HashMap<>(EGRESS_ON);
    catalogOff.put("TRIBUTARY_ENDPOINT_CATALOG", "off");
    assertThat(
            Operators.egressKeeper(
                cluster.client(), OperatorConfig.fromEnv(catalogOff), Applier.Mode.MERGE_PATCH))
        .isEmpty();
    assertThat(policy()).isNull();
  }

  private NetworkPolicy policy() {
    return cluster.networkPolicy("ops", NetworkPolicies.OPERATOR_ENDPOINTS);
  }

  /** Each rule's peers, as the namespaces their selectors name; empty without the policy. */
  private List<List<String>> peers() {
    NetworkPolicy p = policy();
    if (p == null) return List.of();
    return p.getSpec().getEgress().stream()
        .map(NetworkPolicyEgressRule::getTo)
        .map(
            to ->
                to.stream()
                    .map(
                        peer ->
                            peer.getNamespaceSelector()
                                .getMatchLabels()
                                .get("kubernetes.io/metadata.name"))
                    .toList())
        .toList();
  }
}

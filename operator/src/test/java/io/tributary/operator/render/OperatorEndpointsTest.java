package io.tributary.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.tributary.operator.policy.EndpointCatalog;
import io.tributary.operator.testing.Golden;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's own egress to the catalog: its Kafka clusters and HTTP receivers, nothing else.
 */
class OperatorEndpointsTest {
  private static final Map<String, String> POD_LABELS =
      Map.of("app.kubernetes.io/name", "tributary-operator", "app.kubernetes.io/instance", "t");

  private static final OwnerReference OWNER =
      new OwnerReferenceBuilder()
          .withApiVersion("rbac.authorization.k8s.io/v1")
          .withKind("Role")
          .withName("tributary-operator-egress")
          .withUid("4c1f2f6e-0000-4000-8000-000000000001")
          .build();

  @Test
  void opensTheCatalogsKafkaClustersAndHttpReceiversOnly() {
    NetworkPolicy policy =
        NetworkPolicies.operatorEndpoints(
            "tributary-system", POD_LABELS, Catalogs.fixture().entries(), OWNER);
    Golden.assertMatches(
        "OperatorEndpointsTest.opensTheCatalogsKafkaClustersAndHttpReceiversOnly", List.of(policy));
    // platform-kafka, event-receivers and model-servers (http); not databases, feature-store,
    // plant-mqtt or model-store.
    assertThat(policy.getSpec().getEgress()).hasSize(3);
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Egress");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(POD_LABELS);
  }

  @Test
  void anEmptyCatalogOpensNothing() {
    NetworkPolicy policy =
        NetworkPolicies.operatorEndpoints(
            "ops", POD_LABELS, EndpointCatalog.off().entries(), OWNER);
    assertThat(policy.getMetadata().getNamespace()).isEqualTo("ops");
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Egress");
    assertThat(policy.getSpec().getEgress()).isEmpty();
  }
}

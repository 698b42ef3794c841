package io.tributary.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.policy.EndpointCatalog;
import io.tributary.operator.policy.ResidencyPolicy;
import io.tributary.operator.testing.MockCluster;
import io.tributary.operator.validate.SpecChecks;

/** The test endpoint catalog (fixtures/data-endpoints.yaml) for renderer tests. */
final class Catalogs {
  private Catalogs() {}

  static EndpointCatalog fixture() {
    return EndpointCatalog.enforced(
        MockCluster.fixtureEndpoints().stream()
            .map(e -> new EndpointCatalog.Entry(e.getMetadata().getName(), e.getSpec()))
            .toList());
  }

  /** The egress of a DataPipeline's runs, its addresses resolved against the test catalog. */
  static NetworkPolicies.Egress egress(DataPipeline p, OperatorConfig config) {
    var endpoints =
        SpecChecks.endpoints(
            fixture(),
            PlanRenderer.batch(p, config, null),
            ResidencyPolicy.Residency.of(p.getSpec().residency(), null),
            p.getSpec());
    assertThat(endpoints.problem()).isEmpty();
    return NetworkPolicies.Egress.of(endpoints, config.dnsEgress());
  }
}

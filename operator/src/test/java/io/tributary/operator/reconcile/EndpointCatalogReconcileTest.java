package io.tributary.operator.reconcile;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.DataEndpoint;
import io.tributary.operator.api.DataEndpointSpec;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.testing.MockCluster;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint catalog as a StreamJob's author and the platform team see it on the mock server: the
 * workers' egress follows the DataEndpoints their addresses resolve to, a catalog change
 * re-reconciles the job without an edit, and a job whose endpoint leaves the catalog or its region
 * is refused and its workers stopped.
 */
class EndpointCatalogReconcileTest {
  private static final String NS = FraudJob.NS;
  private MockCluster cluster;

  @BeforeEach
  void start() {
    cluster = FraudJob.startCluster();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void theWorkersMayReachDnsAndTheirKafkaEndpointOnly() {
    createFraudJob();
    FraudJob.awaitDeployment(cluster);
    NetworkPolicy policy = await().until(this::policy, p -> p != null);
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
    assertThat(egress).hasSize(2);
    // DNS first: kube-dns in kube-system, 53 over UDP and TCP.
    assertThat(egress.get(0).getTo())
        .singleElement()
        .extracting(p -> p.getPodSelector().getMatchLabels())
        .isEqualTo(java.util.Map.of("k8s-app", "kube-dns"));
    assertThat(egress.get(0).getPorts())
        .extracting(p -> p.getPort().getIntVal() + "/" + p.getProtocol())
        .containsExactly("53/UDP", "53/TCP");
    // Then platform-kafka (kafka.tributary-system.svc:9092, the source's and the sink's cluster).
    NetworkPolicyPeer kafka = egress.get(1).getTo().get(0);
    assertThat(kafka.getNamespaceSelector().getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", "tributary-system");
    assertThat(kafka.getPodSelector().getMatchLabels()).containsEntry("app", "kafka");
    assertThat(egress.get(1).getPorts())
        .extracting(p -> p.getPort().getIntVal() + "/" + p.getProtocol())
        .containsExactly("9092/TCP");
  }

  @Test
  void anEndpointLeavingTheCatalogStopsTheWorkersAndItsReturnAdmitsThemAgain() {
    createFraudJob();
    FraudJob.awaitDeployment(cluster);
    DataEndpoint kafka = endpoint("platform-kafka");
    cluster.client().resource(kafka).delete();

    await().untilAsserted(() -> assertThat(ready().reason()).isEqualTo("EndpointNotInCatalog"));
    assertThat(ready().message())
        .isEqualTo(
            "spec.source.kafka.bootstrapServers: kafka.tributary-system.svc:9092 is in no"
                + " DataEndpoint of the endpoint catalog: ask the platform team for a DataEndpoint"
                + " covering kafka.tributary-system.svc:9092 (kubectl get dataendpoints lists the"
                + " catalog)");
    await().until(() -> deployment() == null);
    await().until(() -> warnings().contains("EndpointNotInCatalog"));

    kafka.getMetadata().setResourceVersion(null);
    cluster.client().resource(kafka).create();
    await().until(() -> deployment() != null);
    await().untilAsserted(() -> assertThat(ready().reason()).isNotEqualTo("EndpointNotInCatalog"));
  }

  @Test
  void anEndpointMovedToAnotherRegionIsAResidencyViolationNamingBothRegions() {
    createFraudJob();
    FraudJob.awaitDeployment(cluster);
    DataEndpoint kafka = endpoint("platform-kafka");
    DataEndpointSpec s = kafka.getSpec();
    kafka.setSpec(
        new DataEndpointSpec(s.type(), "eu-west-1", s.hosts(), s.ports(), s.tls(), s.egress()));
    cluster.client().resource(kafka).update();

    await().untilAsserted(() -> assertThat(ready().reason()).isEqualTo("ResidencyViolation"));
    assertThat(ready().message())
        .startsWith(
            "spec.source.kafka.bootstrapServers: kafka.tributary-system.svc:9092 is DataEndpoint"
                + " platform-kafka in eu-west-1 but the data must stay in me-central-1");
    await().until(() -> deployment() == null);
  }

  /** A new entry's egress reaches the policies of the jobs that use it, without an edit. */
  @Test
  void aChangedEgressRewritesTheWorkersPolicy() {
    createFraudJob();
    FraudJob.awaitDeployment(cluster);
    await().until(this::policy, p -> p != null && p.getSpec().getEgress() != null);
    DataEndpoint kafka = endpoint("platform-kafka");
    DataEndpointSpec s = kafka.getSpec();
    kafka.setSpec(
        new DataEndpointSpec(
            s.type(),
            s.region(),
            s.hosts(),
            s.ports(),
            s.tls(),
            new DataEndpointSpec.Egress(
                List.of(
                    new DataEndpointSpec.Peer(
                        new DataEndpointSpec.IpBlock("10.244.0.1/32", null), null, null)),
                List.of(19092))));
    cluster.client().resource(kafka).update();
    await()
        .untilAsserted(
            () -> {
              NetworkPolicyEgressRule rule = policy().getSpec().getEgress().get(1);
              assertThat(rule.getTo().get(0).getIpBlock()).isNotNull();
              assertThat(rule.getTo().get(0).getIpBlock().getCidr()).isEqualTo("10.244.0.1/32");
              assertThat(rule.getPorts().get(0).getPort().getIntVal()).isEqualTo(19092);
            });
  }

  private void createFraudJob() {
    StreamJob job = fixture("fraud-streamjob.yaml", StreamJob.class);
    job.getMetadata().setUid(null);
    job.getMetadata().setGeneration(null);
    cluster.client().resource(job).create();
  }

  private DataEndpoint endpoint(String name) {
    return cluster.client().resources(DataEndpoint.class).withName(name).get();
  }

  private NetworkPolicy policy() {
    return cluster.networkPolicy(NS, FraudJob.NAME + "-worker");
  }

  private Deployment deployment() {
    return cluster
        .client()
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(FraudJob.NAME + "-worker")
        .get();
  }

  private List<String> warnings() {
    return cluster.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "Warning".equals(e.getType()))
        .map(Event::getReason)
        .toList();
  }

  private Condition ready() {
    StreamJob j = FraudJob.get(cluster);
    Condition c =
        j.getStatus() == null ? null : Conditions.find(j.getStatus().conditions(), "Ready");
    assertThat(c).as("Ready of fraud-scoring").isNotNull();
    return c;
  }
}

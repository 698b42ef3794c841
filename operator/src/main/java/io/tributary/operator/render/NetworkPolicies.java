package io.tributary.operator.render;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.tributary.operator.api.DataEndpointSpec;
import io.tributary.operator.policy.EndpointCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workers' NetworkPolicy: nothing comes in but scrapes of the metrics port from the monitoring
 * namespace (implementations let the pod's own node in, for the kubelet's probes), and with the
 * endpoint catalog enforced nothing goes out but DNS and connections to the DataEndpoints the
 * pipeline's workers use, on their ports (docs/security.md, "Network"). Pure.
 */
public final class NetworkPolicies {
  private NetworkPolicies() {}

  /**
   * Where workers may connect.
   *
   * @param rules the egress rules, or null: egress is not restricted (endpoint catalog off)
   */
  public record Egress(List<NetworkPolicyEgressRule> rules) {
    /** Egress not restricted. */
    public static Egress open() {
      return new Egress(null);
    }

    /**
     * DNS, then one rule per DataEndpoint (in the resolution's order, by name): its peers on its
     * egress ports (spec.ports unless egress.ports says otherwise), TCP. Open when the resolution
     * does not restrict egress.
     */
    public static Egress of(EndpointCatalog.Resolution endpoints, NetworkPolicyEgressRule dns) {
      if (!endpoints.restrictsEgress()) return open();
      List<NetworkPolicyEgressRule> rules = new ArrayList<>();
      rules.add(dns);
      for (EndpointCatalog.Entry e : endpoints.workerEntries()) rules.add(rule(e.spec()));
      return new Egress(List.copyOf(rules));
    }

    boolean restricted() {
      return rules != null;
    }
  }

  /**
   * @param podLabels the labels that select the workers
   * @param monitoringNamespace the namespace whose pods may scrape the metrics port
   */
  public static NetworkPolicy workers(
      ObjectMeta meta,
      Map<String, String> podLabels,
      int metricsPort,
      String monitoringNamespace,
      Egress egress) {
    NetworkPolicy policy =
        new NetworkPolicyBuilder()
            .withMetadata(meta)
            .withNewSpec()
            .withNewPodSelector()
            .withMatchLabels(podLabels)
            .endPodSelector()
            .addNewIngress()
            .addNewFrom()
            .withNewNamespaceSelector()
            .addToMatchLabels("kubernetes.io/metadata.name", monitoringNamespace)
            .endNamespaceSelector()
            .endFrom()
            .addNewPort()
            .withPort(new IntOrString(metricsPort))
            .withProtocol("TCP")
            .endPort()
            .endIngress()
            .endSpec()
            .build();
    if (egress.restricted()) {
      policy.getSpec().setPolicyTypes(List.of("Ingress", "Egress"));
      policy.getSpec().setEgress(egress.rules());
    } else {
      policy.getSpec().setPolicyTypes(List.of("Ingress"));
    }
    return policy;
  }

  /** The name of the policy that opens the operator's own egress to the catalog. */
  public static final String OPERATOR_ENDPOINTS = "tributary-operator-endpoints";

  /**
   * The operator's egress to the endpoint catalog, added to the chart's operator policy (which
   * allows only the API server and DNS): one rule per DataEndpoint the operator itself may connect
   * to, by name. Those are the {@code kafka} entries (it reads StreamJobs' consumer lag and sends
   * CloudEvents to Kafka topics) and the {@code http} entries (CloudEvents receivers). The catalog
   * is the platform team's list of approved destinations, so opening the operator to its Kafka
   * clusters and HTTP receivers spares them listing every cluster twice; databases, object stores,
   * Redis and MQTT brokers stay closed, as the operator never connects to them. NetworkPolicies add
   * up, so this one only ever widens the chart's; with no such entry it allows nothing more.
   *
   * <p>Owned by the chart's Role that lets the operator keep it: a policy that selects the
   * operator's pods for egress must not outlive the chart's own restriction (an upgrade that turns
   * the restriction off, or an uninstall, deletes the Role, and the garbage collector this policy),
   * or it alone would cut the operator off from the API server.
   *
   * @param podLabels the labels that select the operator's pods
   * @param owner the Role {@code tributary-operator-egress} in {@code namespace}
   */
  public static NetworkPolicy operatorEndpoints(
      String namespace,
      Map<String, String> podLabels,
      List<EndpointCatalog.Entry> catalog,
      OwnerReference owner) {
    List<NetworkPolicyEgressRule> rules =
        catalog.stream()
            .filter(e -> OPERATOR_TYPES.contains(e.spec().type()))
            .sorted(java.util.Comparator.comparing(EndpointCatalog.Entry::name))
            .map(e -> rule(e.spec()))
            .toList();
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(OPERATOR_ENDPOINTS)
        .withNamespace(namespace)
        // Sorted, so the rendered object (and its golden file) is the same in every JVM.
        .withLabels(
            new TreeMap<>(
                Map.of(
                    "app.kubernetes.io/name",
                    "tributary-operator",
                    "app.kubernetes.io/managed-by",
                    "tributary-operator")))
        .withOwnerReferences(owner)
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(new TreeMap<>(podLabels))
        .endPodSelector()
        .withPolicyTypes("Egress")
        .withEgress(rules)
        .endSpec()
        .build();
  }

  private static final java.util.Set<DataEndpointSpec.Type> OPERATOR_TYPES =
      java.util.EnumSet.of(DataEndpointSpec.Type.KAFKA, DataEndpointSpec.Type.HTTP);

  private static NetworkPolicyEgressRule rule(DataEndpointSpec spec) {
    DataEndpointSpec.Egress e = spec.egress();
    List<Integer> ports = e.ports() == null || e.ports().isEmpty() ? spec.ports() : e.ports();
    List<NetworkPolicyPeer> to = new ArrayList<>();
    for (DataEndpointSpec.Peer p : e.to()) to.add(peer(p));
    List<NetworkPolicyPort> tcp = new ArrayList<>();
    for (int port : ports.stream().distinct().sorted().toList()) {
      tcp.add(new NetworkPolicyPort(null, new IntOrString(port), "TCP"));
    }
    return new NetworkPolicyEgressRuleBuilder().withTo(to).withPorts(tcp).build();
  }

  private static NetworkPolicyPeer peer(DataEndpointSpec.Peer p) {
    NetworkPolicyPeer out = new NetworkPolicyPeer();
    if (p.ipBlock() != null) {
      List<String> except = p.ipBlock().except();
      out.setIpBlock(
          new IPBlock(p.ipBlock().cidr(), except == null || except.isEmpty() ? null : except));
    }
    if (p.namespaceSelector() != null) out.setNamespaceSelector(selector(p.namespaceSelector()));
    if (p.podSelector() != null) out.setPodSelector(selector(p.podSelector()));
    return out;
  }

  private static LabelSelector selector(DataEndpointSpec.Selector s) {
    LabelSelector out = new LabelSelector();
    out.setMatchLabels(s.matchLabels() == null ? Map.of() : new TreeMap<>(s.matchLabels()));
    return out;
  }
}

package io.tributary.operator.render;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.Map;

/**
 * The workers' NetworkPolicy: nothing comes in but scrapes of the metrics port from the monitoring
 * namespace (implementations let the pod's own node in, for the kubelet's probes). Egress is not
 * restricted yet: that needs the addresses of every endpoint a pipeline uses from something the
 * platform team controls (docs/security.md, "Network"). Pure.
 */
public final class NetworkPolicies {
  private NetworkPolicies() {}

  /**
   * @param podLabels the labels that select the workers
   * @param monitoringNamespace the namespace whose pods may scrape the metrics port
   */
  public static NetworkPolicy workers(
      ObjectMeta meta, Map<String, String> podLabels, int metricsPort, String monitoringNamespace) {
    return new NetworkPolicyBuilder()
        .withMetadata(meta)
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(podLabels)
        .endPodSelector()
        .withPolicyTypes("Ingress")
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
  }
}

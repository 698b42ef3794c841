package io.tributary.operator.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.tributary.pipeline.plan.WorkerPlan;
import java.util.Map;
import java.util.Set;

/**
 * The operator's settings, from environment variables (flags override them in {@code Main}).
 *
 * @param namespaces namespaces to watch; empty means all
 * @param runtimeImage the worker runtime image every pipeline pod runs
 * @param imagePullPolicy pull policy of worker pods
 * @param metricsPort port of the operator's own /metrics
 * @param workerMetricsPort port workers serve /metrics, /healthz and /readyz on
 * @param leaderElection whether to take a Lease before reconciling (on by default)
 * @param leaseNamespace namespace of the leader-election Lease
 * @param lineage where workers send OpenLineage events
 * @param lagPoll how often StreamJob consumer lag is read (status.lag and autoscaling)
 * @param reconcileThreads reconciles run at once, across all kinds
 * @param monitoringNamespace the namespace whose pods may scrape the workers' metrics port (the
 *     workers' NetworkPolicy admits nothing else)
 * @param endpointCatalog whether every address a pipeline names must be covered by a DataEndpoint,
 *     and workers' egress is limited to the DataEndpoints they use (docs/security.md)
 * @param dnsEgress the egress rule that lets workers resolve names, added to every restricted
 *     egress policy
 * @param operatorEgress where the operator keeps the NetworkPolicy that opens its own egress to the
 *     catalog's Kafka clusters and HTTP receivers, or null when its egress is not restricted
 */
public record OperatorConfig(
    Set<String> namespaces,
    String runtimeImage,
    String imagePullPolicy,
    int metricsPort,
    int workerMetricsPort,
    boolean leaderElection,
    String leaseNamespace,
    WorkerPlan.LineageConfig lineage,
    java.time.Duration lagPoll,
    int reconcileThreads,
    String monitoringNamespace,
    boolean endpointCatalog,
    NetworkPolicyEgressRule dnsEgress,
    OperatorEgress operatorEgress) {

  /**
   * The operator's pods, whose egress the chart restricts to the API server and DNS
   * (networkPolicy.operatorEgress); the operator adds the catalog's Kafka clusters and HTTP
   * receivers in a policy of its own.
   *
   * @param namespace the operator's namespace
   * @param podLabels the labels that select its pods
   */
  public record OperatorEgress(String namespace, Map<String, String> podLabels) {}

  public static final String DEFAULT_RUNTIME_IMAGE = "tributary/runtime:dev";
  public static final int DEFAULT_WORKER_METRICS_PORT = 9404;

  /**
   * JOSDK's own default. Measured at 1,000 StreamJobs on a 2-core cluster, 50 threads reconciled
   * them in 50 s against 60 s with 10 (docs/benchmarks.md, "Operator at scale"): once a reconcile
   * no longer waits on Kafka or on an Event write, the API server keeps up with 50.
   */
  public static final int DEFAULT_RECONCILE_THREADS = 50;

  /** Defaults suitable for tests and the local cluster. */
  public static OperatorConfig defaults() {
    return fromEnv(Map.of());
  }

  /** Reads {@code TRIBUTARY_*} variables; anything unset takes its default. */
  public static OperatorConfig fromEnv(Map<String, String> env) {
    String ns = env.getOrDefault("TRIBUTARY_NAMESPACES", "").trim();
    return new OperatorConfig(
        ns.isEmpty() ? Set.of() : Set.of(ns.split("\\s*,\\s*")),
        env.getOrDefault("TRIBUTARY_RUNTIME_IMAGE", DEFAULT_RUNTIME_IMAGE),
        env.getOrDefault("TRIBUTARY_IMAGE_PULL_POLICY", "IfNotPresent"),
        Integer.parseInt(env.getOrDefault("TRIBUTARY_METRICS_PORT", "8080")),
        Integer.parseInt(
            env.getOrDefault(
                "TRIBUTARY_WORKER_METRICS_PORT", String.valueOf(DEFAULT_WORKER_METRICS_PORT))),
        Boolean.parseBoolean(env.getOrDefault("TRIBUTARY_LEADER_ELECTION", "true")),
        env.getOrDefault(
            "TRIBUTARY_LEASE_NAMESPACE", env.getOrDefault("POD_NAMESPACE", "tributary-system")),
        new WorkerPlan.LineageConfig(
            env.getOrDefault("TRIBUTARY_LINEAGE_TRANSPORT", "console"),
            env.get("TRIBUTARY_LINEAGE_URL"),
            env.get("TRIBUTARY_LINEAGE_TOPIC"),
            env.get("TRIBUTARY_LINEAGE_BOOTSTRAP_SERVERS"),
            env.getOrDefault("TRIBUTARY_LINEAGE_NAMESPACE", "tributary")),
        java.time.Duration.ofSeconds(
            Long.parseLong(env.getOrDefault("TRIBUTARY_LAG_POLL_SECONDS", "30"))),
        positive(env, "TRIBUTARY_RECONCILE_THREADS", DEFAULT_RECONCILE_THREADS),
        env.getOrDefault("TRIBUTARY_MONITORING_NAMESPACE", "monitoring"),
        endpointCatalog(env.getOrDefault("TRIBUTARY_ENDPOINT_CATALOG", "enforce")),
        dnsEgress(env.get("TRIBUTARY_NETWORK_POLICY_DNS")),
        operatorEgress(env));
  }

  /**
   * TRIBUTARY_OPERATOR_EGRESS_POD_LABELS ({@code k=v,k=v}, the operator pods' labels): set when the
   * chart restricts the operator's egress; unset, it is not restricted and nothing is kept.
   */
  private static OperatorEgress operatorEgress(Map<String, String> env) {
    String labels = env.getOrDefault("TRIBUTARY_OPERATOR_EGRESS_POD_LABELS", "").trim();
    if (labels.isEmpty()) return null;
    Map<String, String> selector = new java.util.TreeMap<>();
    for (String pair : labels.split("\\s*,\\s*")) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw new IllegalArgumentException(
            "TRIBUTARY_OPERATOR_EGRESS_POD_LABELS="
                + labels
                + " is not a list of key=value labels: set it to the operator pods' labels, e.g."
                + " app.kubernetes.io/name=tributary-operator,app.kubernetes.io/instance=tributary");
      }
      selector.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return new OperatorEgress(
        env.getOrDefault("POD_NAMESPACE", "tributary-system"), Map.copyOf(selector));
  }

  /**
   * Kubernetes' usual DNS: the kube-dns (CoreDNS) pods of kube-system, port 53 over UDP and TCP.
   */
  public static final String DEFAULT_DNS_EGRESS =
      "{\"to\":[{\"namespaceSelector\":{\"matchLabels\":{\"kubernetes.io/metadata.name\":"
          + "\"kube-system\"}},\"podSelector\":{\"matchLabels\":{\"k8s-app\":\"kube-dns\"}}}],"
          + "\"ports\":[{\"port\":53,\"protocol\":\"UDP\"},{\"port\":53,\"protocol\":\"TCP\"}]}";

  private static boolean endpointCatalog(String value) {
    return switch (value.trim()) {
      case "enforce", "" -> true;
      case "off" -> false;
      default ->
          throw new IllegalArgumentException(
              "TRIBUTARY_ENDPOINT_CATALOG="
                  + value
                  + " is neither enforce nor off: set it to enforce (the default) or off");
    };
  }

  /** A NetworkPolicy egress rule as JSON ({@code {"to": [...], "ports": [...]}}). */
  private static NetworkPolicyEgressRule dnsEgress(String json) {
    String text = json == null || json.isBlank() ? DEFAULT_DNS_EGRESS : json;
    try {
      NetworkPolicyEgressRule rule =
          new ObjectMapper()
              .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .readValue(text, NetworkPolicyEgressRule.class);
      if (rule.getPorts() == null || rule.getPorts().isEmpty()) {
        throw new IllegalArgumentException("it names no ports");
      }
      return rule;
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "TRIBUTARY_NETWORK_POLICY_DNS is not a NetworkPolicy egress rule with ports ("
              + e.getMessage().lines().findFirst().orElse("")
              + "): set it to JSON such as "
              + DEFAULT_DNS_EGRESS,
          e);
    }
  }

  private static int positive(Map<String, String> env, String name, int otherwise) {
    String value = env.get(name);
    if (value == null || value.isBlank()) return otherwise;
    try {
      int n = Integer.parseInt(value.trim());
      if (n > 0) return n;
    } catch (NumberFormatException e) {
      // reported below with the variable's name
    }
    throw new IllegalArgumentException(
        name + "=" + value + " is not a positive whole number: set it to e.g. " + otherwise);
  }
}

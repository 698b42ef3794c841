package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The workers' NetworkPolicy is enforced on the real node (kube-router, e2e/lib/netpol.sh): a pod
 * of another namespace cannot reach a StreamJob worker's metrics port, a pod of the monitoring
 * namespace can, and the same probe pod reaches a pod without a policy (so "blocked" is the policy,
 * not a broken network). The operator's own egress is restricted as e2e/install-operator.sh
 * installs it: the API server, DNS and the catalog's Kafka, nothing else of the node.
 */
class NetworkPolicyE2E {
  private static final String NS = "e2e-netpol-" + Topics.RUN;
  private static final String OTHER = "e2e-netpol-other-" + Topics.RUN;

  /** The chart's default monitoring.namespace. */
  private static final String MONITORING = "monitoring";

  @BeforeAll
  static void setUp() throws Exception {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS);
    Kubectl.run("create", "namespace", OTHER);
    Kubectl.run("create", "namespace", MONITORING); // may exist: fine
    Topics.create(Topics.name("e2e.netpol"), 1);
    Topics.create(Topics.name("e2e.netpol.out"), 1);
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
    Kubectl.run("delete", "namespace", OTHER, "--wait=false");
    Kubectl.run("delete", "pod", "-n", MONITORING, "-l", "e2e-probe=" + Topics.RUN, "--wait=false");
  }

  @Test
  void onlyTheMonitoringNamespaceReachesAWorkersMetricsPort() {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: fenced, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.netpol.%3$s]}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.netpol.out.%3$s}
          guarantee: at-least-once
          replicas: 1
          compute: {resources: {cpu: 100m, memory: 320Mi}}
        """
            .formatted(NS, Cluster.kafkaBootstrap(), Topics.RUN));
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(
                        Kubectl.pods(
                            NS,
                            "tributary.io/pipeline=fenced",
                            "jsonpath={.items[*].status.containerStatuses[*].ready}"))
                    .isEqualTo("true"));
    String worker =
        Kubectl.pods(NS, "tributary.io/pipeline=fenced", "jsonpath={.items[0].status.podIP}");
    assertThat(Kubectl.jsonpath("networkpolicy", NS, "fenced-worker", ".spec.policyTypes[0]"))
        .isEqualTo("Ingress");
    String operator =
        Kubectl.pods(
            "tributary-system",
            "app.kubernetes.io/name=tributary-operator",
            "jsonpath={.items[0].status.podIP}");
    String open = listener(OTHER, "unfenced");

    assertThat(probe(OTHER, "other-to-unfenced", open, 9404))
        .as("the probe pod reaches a pod without a policy")
        .isEqualTo("OPEN");
    assertThat(probe(OTHER, "other-to-worker", worker, 9404))
        .as("another namespace cannot scrape the worker")
        .isEqualTo("BLOCKED");
    assertThat(probe(OTHER, "other-to-operator", operator, 8080))
        .as("nor the operator (the chart's NetworkPolicy)")
        .isEqualTo("BLOCKED");
    assertThat(probe(MONITORING, "monitoring-to-worker", worker, 9404))
        .as("the monitoring namespace can scrape the worker")
        .isEqualTo("OPEN");
    assertThat(probe(MONITORING, "monitoring-to-operator", operator, 8080))
        .as("and the operator")
        .isEqualTo("OPEN");
  }

  /**
   * From inside the operator's pod: the catalog's Kafka is open (the operator reads consumer lag
   * there, through the policy it keeps from the catalog), PostgreSQL and Redis on the same node are
   * not (the catalog lists them for workers; the operator never connects to them), while a pod
   * without a policy reaches PostgreSQL, so "blocked" is the operator's policy.
   */
  @Test
  void theOperatorReachesTheCatalogsKafkaButNotItsDatabases() {
    assertThat(
            Kubectl.jsonpath(
                "networkpolicy", "tributary-system", "tributary-operator", ".spec.policyTypes"))
        .isEqualTo("[\"Ingress\",\"Egress\"]");
    assertThat(
            Kubectl.jsonpath(
                "networkpolicy",
                "tributary-system",
                "tributary-operator-endpoints",
                ".spec.egress[*].ports[*].port"))
        .as("the catalog's Kafka (platform-kafka) is opened to the operator")
        .contains("9092")
        .doesNotContain("5432");
    String operator =
        Kubectl.pods(
            "tributary-system",
            "app.kubernetes.io/name=tributary-operator",
            "jsonpath={.items[0].metadata.name}");
    assertThat(fromOperator(operator, NODE, 9092)).as("Kafka, for consumer lag").isEqualTo("OPEN");
    assertThat(fromOperator(operator, NODE, 5432)).as("PostgreSQL").isEqualTo("BLOCKED");
    assertThat(fromOperator(operator, NODE, 6379)).as("Redis").isEqualTo("BLOCKED");
    assertThat(probe(OTHER, "other-to-postgres", NODE, 5432))
        .as("a pod without a policy reaches PostgreSQL")
        .isEqualTo("OPEN");
  }

  /** The node's bridge address, where Kafka, PostgreSQL and Redis listen (e2e/README.md). */
  private static final String NODE = "10.244.0.1";

  /** One TCP connection from the operator's container: OPEN or BLOCKED. */
  private static String fromOperator(String pod, String ip, int port) {
    return Kubectl.run(
            "exec",
            "-n",
            "tributary-system",
            pod,
            "--",
            "bash",
            "-c",
            "if timeout 5 bash -c '</dev/tcp/%s/%d' 2>/dev/null; then echo OPEN; else echo BLOCKED; fi"
                .formatted(ip, port))
        .ok()
        .out()
        .trim();
  }

  /** A pod with no NetworkPolicy listening on 9404; returns its IP. */
  private static String listener(String namespace, String name) {
    Kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          containers:
            - name: listen
              image: tributary/runtime:dev
              imagePullPolicy: Never
              resources: {requests: {cpu: 10m, memory: 16Mi}}
              command:
                - perl
                - -MIO::Socket::INET
                - -e
                - '$s = IO::Socket::INET->new(LocalPort => 9404, Listen => 5, ReuseAddr => 1) or die; while ($c = $s->accept) { close $c }'
        """
            .formatted(name, namespace));
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("pod", namespace, name, ".status.phase"))
                    .isEqualTo("Running"));
    return Kubectl.jsonpath("pod", namespace, name, ".status.podIP");
  }

  /**
   * Runs a pod on the real node that tries one TCP connection and prints OPEN or BLOCKED
   * (kube-router rejects: the worker's listening port then answers "connection refused").
   */
  private static String probe(String namespace, String name, String ip, int port) {
    String pod = name + "-" + Topics.RUN;
    Kubectl.apply(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %1$s
          namespace: %2$s
          labels: {e2e-probe: "%5$s"}
        spec:
          restartPolicy: Never
          containers:
            - name: probe
              image: tributary/runtime:dev
              imagePullPolicy: Never
              resources: {requests: {cpu: 10m, memory: 16Mi}}
              command:
                - bash
                - -c
                - 'if timeout 5 bash -c "</dev/tcp/%3$s/%4$d" 2>/dev/null; then echo OPEN; else echo BLOCKED; fi'
        """
            .formatted(pod, namespace, ip, port, Topics.RUN));
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("pod", namespace, pod, ".status.phase"))
                    .isEqualTo("Succeeded"));
    return Kubectl.run("logs", "-n", namespace, pod).ok().out().trim();
  }
}

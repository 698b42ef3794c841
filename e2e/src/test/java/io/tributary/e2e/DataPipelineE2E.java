package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A DataPipeline runs as a real Job to completion and its status shows the run summary. */
class DataPipelineE2E {
  private static final String NS = "e2e-batch-" + Topics.RUN;

  @BeforeAll
  static void setUp() throws Exception {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS);
    Topics.create(Topics.name("e2e.orders"), 2);
    Topics.create(Topics.name("e2e.orders.clean"), 2);
    Topics.produce(
        Topics.name("e2e.orders"),
        IntStream.range(0, 40)
            .mapToObj(
                i ->
                    "{\"order\":%d,\"email\":\"  Buyer%d@Example.COM \",\"total\":%d}"
                        .formatted(i, i, i * 10))
            .toList());
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  @Test
  void aRunCompletesAndItsSummaryReachesStatus() {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: DataPipeline
        metadata: {name: orders-clean, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.orders.%3$s]}
          transforms:
            - normalize:
                rules:
                  - {field: email, trim: true, toCase: lower}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.orders.clean.%3$s}
          compute: {resources: {cpu: 200m, memory: 384Mi}}
        """
            .formatted(NS, Cluster.kafkaBootstrap(), Topics.RUN));
    await()
        .atMost(Duration.ofMinutes(5))
        .untilAsserted(
            () ->
                assertThat(
                        Kubectl.jsonpath(
                            "datapipeline", NS, "orders-clean", ".status.lastRun.phase"))
                    .isEqualTo("Succeeded"));
    assertThat(Kubectl.jsonpath("datapipeline", NS, "orders-clean", ".status.lastRun.recordsRead"))
        .isEqualTo("40");
    assertThat(
            Kubectl.jsonpath("datapipeline", NS, "orders-clean", ".status.lastRun.recordsWritten"))
        .isEqualTo("40");
    assertThat(
            Kubectl.jsonpath(
                "datapipeline",
                NS,
                "orders-clean",
                ".status.conditions[?(@.type==\"Ready\")].reason"))
        .isEqualTo("RunSucceeded");
    // Its run pods are fenced like stream workers: scrapes from the monitoring namespace only.
    assertThat(
            Kubectl.jsonpath(
                "networkpolicy",
                NS,
                "orders-clean-runs",
                ".spec.podSelector.matchLabels.tributary\\.io/pipeline"))
        .isEqualTo("orders-clean");
    assertThat(
            Kubectl.jsonpath(
                "networkpolicy",
                NS,
                "orders-clean-runs",
                ".spec.ingress[0].from[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name"))
        .isEqualTo("monitoring");
    String jobName =
        Kubectl.jsonpath("datapipeline", NS, "orders-clean", ".status.lastRun.jobName");
    assertThat(Kubectl.jsonpath("job", NS, jobName, ".status.succeeded")).isEqualTo("1");
    List<String> out =
        Topics.readCommitted(Topics.name("e2e.orders.clean"), 40, Duration.ofMinutes(1));
    assertThat(out)
        .hasSize(40)
        .allSatisfy(v -> assertThat(v).contains("@example.com\"").doesNotContain("  "));
    assertThat(Kubectl.run("get", "dp", "-n", NS).ok().out())
        .contains("orders-clean")
        .contains("40");
  }
}

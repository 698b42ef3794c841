package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A StreamJob on the real node, in our runtime image: records move from an input topic to an output
 * topic, masked; status tells the truth; kubectl scale works; deleting the job garbage-collects its
 * workers.
 */
class StreamJobE2E {
  private static final String NS = "e2e-stream-" + Topics.RUN;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void setUp() throws Exception {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS);
    Kubectl.apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: masking-key, namespace: %s, labels: {tributary.io/pipeline-secret: "true"}}
        stringData: {hmac: e2e-not-a-real-key}
        """
            .formatted(NS));
    Topics.create(Topics.name("e2e.cards"), 3);
    Topics.create(Topics.name("e2e.cards.masked"), 3);
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  @Test
  void movesRecordsMaskedAndReportsTruthfully() throws Exception {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: cards, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.cards.%3$s]}
          transforms:
            - filter: {expression: "amount > 0.0"}
            - mask:
                keySecretRef: {name: masking-key, key: hmac}
                fields:
                  - {field: card_number, method: keepLast, keep: 4}
                  - {field: email, method: hmac}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.cards.masked.%3$s}
          guarantee: exactly-once
          checkpointInterval: 1s
          replicas: 1
          compute: {resources: {cpu: 200m, memory: 384Mi}}
        """
            .formatted(NS, Cluster.kafkaBootstrap(), Topics.RUN));
    List<String> input =
        IntStream.range(0, 50)
            .mapToObj(
                i ->
                    "{\"txn\":%d,\"card_number\":\"411111111111%03d\",\"email\":\"u%d@example.com\",\"amount\":%s}"
                        .formatted(i, i, i, i % 10 == 0 ? "-1.0" : i + ".5"))
            .toList();
    Topics.produce(Topics.name("e2e.cards"), input);

    List<String> output =
        Topics.readCommitted(Topics.name("e2e.cards.masked"), 45, Duration.ofMinutes(4));
    assertThat(output).hasSize(45);
    for (String v : output) {
      JsonNode n = JSON.readTree(v);
      assertThat(n.get("card_number").asText()).matches("\\*+\\d{4}");
      assertThat(n.get("email").asText()).doesNotContain("@");
      assertThat(n.get("amount").asDouble()).isPositive();
    }

    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(
                        Kubectl.jsonpath(
                            "streamjob",
                            NS,
                            "cards",
                            ".status.conditions[?(@.type==\"Ready\")].status"))
                    .isEqualTo("True"));
    String describe = Kubectl.run("describe", "streamjob", "cards", "-n", NS).ok().out();
    assertThat(describe).contains("WorkersAvailable").contains("1 of 1 workers ready");
    assertThat(Kubectl.run("get", "sj", "-n", NS).ok().out())
        .contains("1/1")
        .contains("exactly-once");
  }

  @Test
  void kubectlScaleDrivesTheWorkers() {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: scaled, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.cards.%3$s]}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.cards.copy.%3$s}
          guarantee: at-least-once
          replicas: 1
          compute: {resources: {cpu: 100m, memory: 384Mi}}
        """
            .formatted(NS, Cluster.kafkaBootstrap(), Topics.RUN));
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () ->
                "1".equals(Kubectl.jsonpath("deployment", NS, "scaled-worker", ".spec.replicas")));
    Kubectl.run("scale", "streamjob", "scaled", "-n", NS, "--replicas=2").ok();
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("deployment", NS, "scaled-worker", ".spec.replicas"))
                    .isEqualTo("2"));
    await()
        .atMost(Duration.ofMinutes(4))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("streamjob", NS, "scaled", ".status.replicas"))
                    .isEqualTo("2"));
    assertThat(Kubectl.jsonpath("streamjob", NS, "scaled", ".status.selector"))
        .isEqualTo("tributary.io/kind=streamjob,tributary.io/pipeline=scaled");
  }

  @Test
  void deletingTheJobGarbageCollectsItsWorkers() {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: doomed, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.cards.%3$s]}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.cards.doomed.%3$s}
          guarantee: at-least-once
          suspend: true
        """
            .formatted(NS, Cluster.kafkaBootstrap(), Topics.RUN));
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> !Kubectl.jsonpath("deployment", NS, "doomed-worker", ".metadata.name").isEmpty());
    Kubectl.run("delete", "streamjob", "doomed", "-n", NS).ok();
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              for (String kind :
                  List.of(
                      "deployment",
                      "configmap",
                      "service",
                      "serviceaccount",
                      "pdb",
                      "networkpolicy")) {
                String name = kind.equals("configmap") ? "doomed-plan" : "doomed-worker";
                assertThat(Kubectl.run("get", kind, name, "-n", NS).exit()).as(kind).isNotZero();
              }
            });
  }
}

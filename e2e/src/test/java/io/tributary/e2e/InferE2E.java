package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A StreamJob with an infer step on the CPU of the local cluster, in our runtime image: the test
 * model (runtime-image/worker/src/test/models/fraud.onnx) reaches the worker through a ConfigMap
 * with binaryData, every record comes out with the model's score, a record the model cannot read is
 * a dead letter, and the worker's metrics say the model ran on the CPU.
 */
class InferE2E {
  private static final String NS = "e2e-infer-" + Topics.RUN;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double[] W = {0.002, -0.05, 0.8};

  @BeforeAll
  static void setUp() throws Exception {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS);
    byte[] model =
        Files.readAllBytes(
            Kubectl.repo().resolve("runtime-image/worker/src/test/models/fraud.onnx"));
    Kubectl.apply(
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: fraud-model, namespace: %s}
        binaryData: {fraud.onnx: %s}
        """
            .formatted(NS, Base64.getEncoder().encodeToString(model)));
    Topics.create(Topics.name("e2e.card"), 3);
    Topics.create(Topics.name("e2e.card.scored"), 3);
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  /** The model's score, in float as the model computes it. */
  private static double score(double amount, double age, double risk) {
    float logit =
        (float) amount * (float) W[0] + (float) age * (float) W[1] + (float) risk * (float) W[2];
    return 1.0 / (1.0 + Math.exp(-(logit - 1.0f)));
  }

  @Test
  void scoresEveryRecordWithTheModelOnTheCpu() throws Exception {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: card-scores, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.card.%3$s]}
          transforms:
            - name: score
              infer:
                model:
                  configMap: {name: fraud-model, key: fraud.onnx}
                inputs:
                  - {tensor: features, fields: [amount, age, risk]}
                outputs:
                  - {tensor: score, field: fraud_score}
                batchSize: 32
                maxWait: 20ms
            - derive:
                fields:
                  - {name: flagged, expression: "fraud_score > 0.5"}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.card.scored.%3$s}
          guarantee: exactly-once
          checkpointInterval: 1s
          replicas: 1
          compute: {resources: {cpu: 300m, memory: 512Mi}}
        """
            .formatted(NS, Cluster.kafkaBootstrap(), Topics.RUN));
    List<String> input =
        IntStream.range(0, 100)
            .mapToObj(
                i ->
                    i == 13
                        ? "{\"txn\":13,\"amount\":20.0,\"risk\":0.2}"
                        : "{\"txn\":%d,\"amount\":%d,\"age\":%d,\"risk\":%s}"
                            .formatted(i, i * 20, i % 25, (i % 10) / 10.0))
            .toList();
    Topics.produce(Topics.name("e2e.card"), input);

    List<String> output =
        Topics.readCommitted(Topics.name("e2e.card.scored"), 99, Duration.ofMinutes(4));
    assertThat(output).hasSize(99);
    Map<Integer, JsonNode> byTxn = new HashMap<>();
    for (String v : output) {
      JsonNode n = JSON.readTree(v);
      byTxn.put(n.get("txn").asInt(), n);
    }
    assertThat(byTxn).hasSize(99).doesNotContainKey(13);
    byTxn.forEach(
        (i, n) -> {
          double expected = score(i * 20, i % 25, (i % 10) / 10.0);
          assertThat(n.get("fraud_score").asDouble()).isCloseTo(expected, within(1e-6));
          assertThat(n.get("flagged").asBoolean()).isEqualTo(expected > 0.5);
        });

    List<String> dead =
        Topics.readCommitted(Topics.name("e2e.card") + ".dlq", 1, Duration.ofMinutes(2));
    assertThat(dead).hasSize(1);
    assertThat(JSON.readTree(dead.get(0)).get("txn").asInt()).isEqualTo(13);

    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(
                        Kubectl.jsonpath(
                            "streamjob",
                            NS,
                            "card-scores",
                            ".status.conditions[?(@.type==\"Ready\")].status"))
                    .isEqualTo("True"));
    String selector = "namespace=\"%s\",name=\"card-scores\",step=\"score\"".formatted(NS);
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              OptionalDouble cpu =
                  Prometheus.scalar(
                      "tributary_worker_inference_provider{" + selector + ",provider=\"cpu\"}");
              assertThat(cpu).hasValue(1.0);
              assertThat(
                      Prometheus.scalar(
                          "sum(tributary_worker_inference_batch_size_sum{" + selector + "})"))
                  .hasValue(99.0);
            });
  }
}

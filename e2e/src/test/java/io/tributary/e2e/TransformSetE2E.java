package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A TransformSet on the real node: a StreamJob runs the set's steps, a change of the set rolls its
 * workers and the new steps take effect on the records, and {@code kubectl describe transformset}
 * lists the job.
 */
class TransformSetE2E {
  private static final String NS = "e2e-tset-" + Topics.RUN;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IN = Topics.name("e2e.tset.in");
  private static final String OUT = Topics.name("e2e.tset.out");

  @BeforeAll
  static void setUp() throws Exception {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS);
    Topics.create(IN, 2);
    Topics.create(OUT, 2);
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  @Test
  void aChangeOfTheSetRollsTheWorkersAndTakesEffectOnTheRecords() {
    Kubectl.apply(set("amount > 0.0", "v1"));
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: cleaned, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [%3$s]}
          transforms:
            - transformSet: {name: cleaning}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: %4$s}
          guarantee: exactly-once
          checkpointInterval: 1s
          replicas: 1
          compute: {resources: {cpu: 200m, memory: 384Mi}}
        """
            .formatted(NS, Cluster.kafkaBootstrap(), IN, OUT));

    // Revision 1: positive amounts pass, tagged v1.
    Topics.produce(IN, records(0, 20));
    List<JsonNode> first = read(OUT, 19);
    assertThat(first).hasSize(19);
    assertThat(first).allSatisfy(r -> assertThat(r.get("set_version").asText()).isEqualTo("v1"));
    String revision1 = Kubectl.jsonpath("transformset", NS, "cleaning", ".status.revision");
    assertThat(revision1).isNotEmpty();
    String hash1 = templatePlanHash();
    String describe = Kubectl.run("describe", "transformset", "cleaning", "-n", NS).ok().out();
    assertThat(describe).contains("Used By").contains("StreamJob").contains("cleaned");
    assertThat(Kubectl.run("get", "ts", "-n", NS).ok().out()).contains("cleaning");

    // Revision 2: only amounts above 100 pass, tagged v2. The workers roll to it.
    Kubectl.apply(set("amount > 100.0", "v2"));
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("transformset", NS, "cleaning", ".status.revision"))
                    .isNotEqualTo(revision1));
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(() -> assertThat(templatePlanHash()).isNotEqualTo(hash1));
    String hash2 = templatePlanHash();
    Kubectl.run("rollout", "status", "deployment/cleaned-worker", "-n", NS, "--timeout=240s").ok();
    await()
        .atMost(Duration.ofMinutes(4))
        .untilAsserted(
            () ->
                assertThat(
                        Kubectl.pods(
                            NS,
                            "tributary.io/pipeline=cleaned",
                            "jsonpath={.items[*].metadata.annotations.tributary\\.io/plan-sha256}"))
                    .isEqualTo(hash2));

    Topics.produce(IN, records(1000, 20));
    // The first batch as before, and of the second only the 9 amounts above 100.
    List<JsonNode> all = read(OUT, 19 + 9);
    List<JsonNode> second = all.stream().filter(r -> r.get("txn").asInt() >= 1000).toList();
    assertThat(second).hasSize(9);
    assertThat(second).allSatisfy(r -> assertThat(r.get("set_version").asText()).isEqualTo("v2"));
    assertThat(second).allSatisfy(r -> assertThat(r.get("amount").asDouble()).isGreaterThan(100));
    assertThat(all.stream().filter(r -> r.get("txn").asInt() < 1000)).hasSize(19);

    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(
                        Kubectl.jsonpath(
                            "streamjob",
                            NS,
                            "cleaned",
                            ".status.conditions[?(@.type==\"Ready\")].status"))
                    .isEqualTo("True"));
  }

  /**
   * Records {@code from .. from+n-1} with amounts -5.5, 4.5, 14.5, ... (10 apart): with n = 20, 19
   * are above 0 and 9 above 100.
   */
  private static List<String> records(int from, int n) {
    return IntStream.range(from, from + n)
        .mapToObj(i -> "{\"txn\":%d,\"amount\":%s}".formatted(i, (i - from) * 10 - 5.5))
        .toList();
  }

  private static String set(String filter, String version) {
    return """
        apiVersion: tributary.io/v1alpha1
        kind: TransformSet
        metadata: {name: cleaning, namespace: %s}
        spec:
          description: e2e set, %s
          transforms:
            - name: keep
              filter: {expression: "%s"}
            - name: tag
              derive:
                fields:
                  - {name: set_version, expression: "'%s'"}
        """
        .formatted(NS, version, filter, version);
  }

  private static String templatePlanHash() {
    return Kubectl.jsonpath(
        "deployment",
        NS,
        "cleaned-worker",
        ".spec.template.metadata.annotations.tributary\\.io/plan-sha256");
  }

  private static List<JsonNode> read(String topic, int expected) {
    return Topics.readCommitted(topic, expected, Duration.ofMinutes(4)).stream()
        .map(
            v -> {
              try {
                return JSON.readTree(v);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .toList();
  }
}

package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every sample in config/samples does its job on the local cluster, checked by the data it moved:
 * applied as the quickstart applies them (with config/quickstart's demo Secrets), against the
 * cluster's Kafka, PostgreSQL (seeded crm and ledger databases), Redis and S3 store
 * (e2e/cluster.sh). The GPU sample is the exception: its workers need A100 nodes, which this
 * cluster only simulates (KWOK), so no data can pass through them; PlacementE2E and
 * PoolAutoscalingE2E check where such workers go.
 */
class SamplesE2E {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RUN = Topics.RUN;

  @BeforeAll
  static void apply() throws Exception {
    Cluster.requireCluster();
    Kubectl.run("apply", "-f", repo("config/samples/namespaces.yaml")).ok();
    Kubectl.run("apply", "-f", repo("config/quickstart/demo-secrets.yaml")).ok();
    Topics.create("payments.transactions", 6);
    Topics.create("uae-banking.transfers", 3);
    Topics.create("uae-banking.consent", 1);
    Topics.create("media.images.uploaded", 3);
    Kubectl.run("apply", "-k", repo("config/samples")).ok();
  }

  @Test
  void fraudDetectionScoresTransactionsAndMasksTheirCards() {
    List<String> ids = IntStream.range(0, 20).mapToObj(i -> "e2e-" + RUN + "-" + i).toList();
    List<String> in = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      in.add(
          """
          {"transaction_id":"%s","card_number":"4000123412341%03d","amount":%d.5,"currency":"AED",\
          "merchant_id":"m-1","merchant_country":"AE","card_country":"%s",\
          "event_time":"2026-12-01T10:00:00Z"}"""
              .formatted(ids.get(i), i, i * 400, i % 2 == 0 ? "AE" : "IN"));
    }
    Topics.produce("payments.transactions", in);

    Map<String, JsonNode> out =
        read(
            "payments.transactions.scored",
            r -> ids.contains(r.path("transaction_id").asText()),
            "transaction_id",
            ids.size());
    assertThat(out).containsOnlyKeys(ids);
    for (int i = 0; i < ids.size(); i++) {
      JsonNode r = out.get(ids.get(i));
      assertThat(r.path("card_number").asText()).isEqualTo("************1%03d".formatted(i));
      assertThat(r.path("card_fingerprint").asText()).matches("[0-9a-f]{64}");
      double expected = (i * 400 + 0.5 >= 5000 ? 0.5 : 0) + (i % 2 == 0 ? 0 : 0.3);
      assertThat(r.path("risk_score").asDouble()).isCloseTo(expected, offset(1e-9));
    }
  }

  @Test
  void amlScreeningFlagsOnlyLargeTransfersPseudonymized() {
    List<String> in = new ArrayList<>();
    List<String> large = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String id = "e2e-" + RUN + "-" + i;
      double amount = i % 4 == 0 ? 60000 + i : 1000 + i;
      if (amount >= 55000) large.add(id);
      in.add(
          """
          {"transfer_id":"%s","sender_name":"Aisha Al Mansoori","sender_iban":"AE070331234567890123%03d",\
          "beneficiary_iban":"AE460261234567890123%03d","amount_aed":%s}"""
              .formatted(id, i, i, amount));
    }
    Topics.produce("uae-banking.transfers", in);
    Map<String, JsonNode> out =
        read(
            "uae-banking.aml-alerts",
            r -> r.path("transfer_id").asText().startsWith("e2e-" + RUN + "-"),
            "transfer_id",
            large.size());
    assertThat(out).containsOnlyKeys(large);
    for (JsonNode r : out.values()) {
      assertThat(r.path("sender_iban").asText()).doesNotStartWith("AE07033");
      assertThat(r.path("beneficiary_iban").asText()).doesNotStartWith("AE46026");
      assertThat(r.path("sender_name").asText()).doesNotContain("Aisha");
    }
  }

  @Test
  void cardSpendDailyWritesItsIcebergTableOnS3() throws Exception {
    // Consent of customers 0..199 of the ledger's 300 to spend analytics.
    Properties p = Cluster.kafka();
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    try (var producer = new KafkaProducer<String, String>(p)) {
      for (int i = 0; i < 200; i++) {
        producer.send(
            new ProducerRecord<>(
                "uae-banking.consent",
                "cust-%04d".formatted(i),
                "{\"purposes\":[\"spend-analytics\"]}"));
      }
    }
    // Incremental: the first run reads the 5,000 seeded rows, a later one only newer rows; the
    // table holds each once either way.
    runNow("uae-banking", "card-spend-daily");

    JsonNode table =
        JSON.readTree(
            Host.run(
                Host.pyIceberg(),
                repo("runtime-image/worker/src/test/pyiceberg/read_table.py"),
                "postgresql+psycopg2://iceberg:demo-only-password@10.244.0.1:5432/iceberg",
                "tributary",
                "s3://lake/uae/warehouse",
                "uae.card_spend_daily",
                s3Properties()));
    List<String> columns = new ArrayList<>();
    table.path("schema").forEach(f -> columns.add(f.path("name").asText()));
    assertThat(columns)
        .contains("customer_id", "merchant_category", "txn_count", "spend_aed", "max_txn_aed")
        .doesNotContain("emirates_id", "iban");
    long txns = 0;
    for (JsonNode row : table.path("rows")) {
      // Pseudonymized: an HMAC, not the ledger's cust-NNNN.
      assertThat(row.path("customer_id").asText()).doesNotStartWith("cust-");
      txns += row.path("txn_count").asLong();
    }
    // Customers 0..199 consented: their transactions, and only theirs (every 300th i is one
    // customer), are in the table; of 5,000 transactions, i % 300 < 200 holds for 3,334.
    assertThat(txns).isEqualTo(IntStream.rangeClosed(1, 5000).filter(i -> i % 300 < 200).count());
    assertThat(table.path("snapshots").toString()).contains("tributary.run-id");
  }

  @Test
  void customerFeaturesLandInTheLakeAndThenInRedis() throws Exception {
    runNow("analytics", "customer-features");
    // dependsOn: the online load runs after the success, by itself.
    await()
        .atMost(Duration.ofMinutes(6))
        .untilAsserted(
            () ->
                assertThat(
                        Kubectl.jsonpath(
                            "dp", "analytics", "customer-features-online", ".status.lastRun.phase"))
                    .isEqualTo("Succeeded"));
    Map<String, String> features = new HashMap<>();
    String[] kv =
        Host.run("redis-cli", "-h", "10.244.0.1", "HGETALL", "customer_features:42").split("\n");
    for (int i = 0; i + 1 < kv.length; i += 2) features.put(kv[i].trim(), kv[i + 1].trim());
    assertThat(features)
        .containsKeys(
            "lifetime_value", "orders_12m", "avg_order_value", "is_high_value", "country");
    // Normalized on the way: upper-case, trimmed.
    assertThat(features.get("country")).isIn("AE", "SA", "GB", "IN");
  }

  /** Sets the run-now annotation and waits for that run to succeed. */
  private static void runNow(String ns, String name) {
    String before = Kubectl.jsonpath("dp", ns, name, ".status.lastRun.id");
    Kubectl.run("annotate", "dp", name, "-n", ns, "tributary.io/run-now=e2e-" + RUN, "--overwrite")
        .ok();
    await()
        .atMost(Duration.ofMinutes(8))
        .untilAsserted(
            () -> {
              assertThat(Kubectl.jsonpath("dp", ns, name, ".status.lastRun.id"))
                  .isNotEqualTo(before);
              String phase = Kubectl.jsonpath("dp", ns, name, ".status.lastRun.phase");
              assertThat(phase)
                  .as(
                      "%s/%s: %s",
                      ns,
                      name,
                      Kubectl.jsonpath(
                          "dp", ns, name, ".status.conditions[?(@.type==\"Ready\")].message"))
                  .isIn("Succeeded", "Failed");
              assertThat(phase).isEqualTo("Succeeded");
            });
  }

  /** Committed records of {@code topic} that {@code ours} accepts, by {@code idField}. */
  private static Map<String, JsonNode> read(
      String topic, Predicate<JsonNode> ours, String idField, int expected) {
    Properties p = Cluster.kafka();
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    p.put("isolation.level", "read_committed");
    p.put("auto.offset.reset", "earliest");
    p.put("group.id", "e2e-samples-" + System.nanoTime());
    Map<String, JsonNode> out = new HashMap<>();
    List<String> duplicates = new ArrayList<>();
    try (var consumer = new KafkaConsumer<String, String>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          JsonNode json;
          try {
            json = JSON.readTree(r.value());
          } catch (Exception e) {
            continue; // another writer's record
          }
          if (!ours.test(json)) continue;
          if (out.put(json.path(idField).asText(), json) != null) duplicates.add(r.value());
        }
        // Once all arrived, read two more seconds: a duplicate would show.
        if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
      }
    }
    assertThat(duplicates).as("duplicates on " + topic).isEmpty();
    return out;
  }

  private static String s3Properties() {
    return """
        {"s3.endpoint": "http://10.244.0.1:8333", "s3.access-key-id": "tributary-demo",
         "s3.secret-access-key": "demo-only-s3-secret", "s3.region": "us-east-1",
         "s3.force-virtual-addressing": false}""";
  }

  private static String repo(String path) {
    return Kubectl.repo().resolve(path).toString();
  }
}

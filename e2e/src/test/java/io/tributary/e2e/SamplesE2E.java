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
import org.apache.kafka.common.serialization.StringDeserializer;
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
    // Customer 42's features as PostgreSQL holds them, the derived ones computed as the sample's
    // derive step does, and country read back from the lake's country=XX/ partition directory.
    assertThat(features)
        .containsKeys(
            "lifetime_value", "orders_12m", "avg_order_value", "is_high_value", "country");
    String[] seeded =
        Host.psql(
                "crm_reader",
                "crm",
                "SELECT lifetime_value, orders_12m, upper(trim(country)) FROM public.customers"
                    + " WHERE customer_id = 42")
            .trim()
            .split(" ");
    assertThat(Double.parseDouble(features.get("lifetime_value")))
        .isEqualTo(Double.parseDouble(seeded[0]));
    assertThat(features.get("orders_12m")).isEqualTo(seeded[1]);
    double lifetime = Double.parseDouble(seeded[0]);
    long orders = Long.parseLong(seeded[1]);
    assertThat(Double.parseDouble(features.get("avg_order_value")))
        .isCloseTo(orders > 0 ? lifetime / orders : 0.0, offset(1e-9));
    assertThat(features.get("is_high_value")).isEqualTo(String.valueOf(lifetime >= 10000.0));
    assertThat(features.get("country")).isEqualTo(seeded[2]);
  }

  /**
   * card-spend-daily: the ledger's card transactions of consenting customers only, pseudonymized,
   * as daily spend per customer and merchant category in an Iceberg table on the S3 store. Checked
   * against PostgreSQL: one row per (customer, category, UTC day) of the consenting customers'
   * transactions up to the run's watermark, the counts adding up to those transactions, and no
   * customer id, IBAN or Emirates ID in the clear.
   */
  @Test
  void cardSpendDailyAggregatesConsentingCustomersIntoAnIcebergTable() throws Exception {
    Map<String, String> consent = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      consent.put("cust-%04d".formatted(i), "{\"purposes\":[\"spend-analytics\"]}");
    }
    Topics.produceKeyed("uae-banking.consent", consent);

    runNow("uae-banking", "card-spend-daily");

    String watermark =
        Kubectl.jsonpath("dp", "uae-banking", "card-spend-daily", ".status.lastRun.watermark");
    String consented =
        " FROM ledger.card_transactions WHERE customer_id < 'cust-0200'"
            + " AND posted_at <= '"
            + watermark
            + "'::timestamptz";
    long transactions = Long.parseLong(ledger("SELECT count(*)" + consented));
    long groups =
        Long.parseLong(
            ledger(
                "SELECT count(*) FROM (SELECT DISTINCT customer_id, merchant_category,"
                    + " date_trunc('day', posted_at AT TIME ZONE 'UTC')"
                    + consented
                    + ") g"));
    assertThat(transactions).as("consenting customers' transactions in the ledger").isPositive();

    JsonNode table =
        JSON.readTree(Host.icebergTable("s3://lake/uae/warehouse", "uae.card_spend_daily"));
    JsonNode rows = table.get("rows");
    assertThat(rows).hasSize((int) groups);
    long counted = 0;
    for (JsonNode r : rows) {
      counted += r.get("txn_count").asLong();
      assertThat(r.get("customer_id").asText()).matches("[0-9a-f]{64}");
      assertThat(r.has("iban") || r.has("emirates_id") || r.has("txn_id")).isFalse();
      assertThat(r.get("spend_aed").asDouble())
          .isGreaterThanOrEqualTo(r.get("max_txn_aed").asDouble());
    }
    assertThat(counted).isEqualTo(transactions);
  }

  /** One value the ledger database answers to {@code sql}, as the sample's reader role. */
  private static String ledger(String sql) {
    return Host.psql("ledger_reader", "ledger", sql).trim();
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

  private static String repo(String path) {
    return Kubectl.repo().resolve(path).toString();
  }
}

package io.tributary.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.runtime.testing.BrokerExtension;
import io.tributary.runtime.testing.KafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The stream worker against a real KRaft broker: each transform through topics, DLQ, metrics. */
class StreamWorkerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final BrokerExtension KAFKA = new BrokerExtension();

  @TempDir Path secrets;

  private static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static void produceAll(String topic, List<String> values) throws Exception {
    try (KafkaProducer<String, String> p = KAFKA.broker().producer()) {
      for (int i = 0; i < values.size(); i++) {
        p.send(new ProducerRecord<>(topic, "k" + i, values.get(i)));
      }
      p.flush();
    }
  }

  private static List<JsonNode> awaitOutput(String topic, int n) {
    List<JsonNode> out = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              out.clear();
              KAFKA.broker().readAll(topic).forEach(r -> out.add(json(r.value())));
              return out.size() >= n;
            });
    return out;
  }

  @Test
  void validateFilterNormalizeDeriveAndMaskRunEndToEndAndRejectsGoToTheDeadLetterTopic()
      throws Exception {
    Files.createDirectories(secrets.resolve("mask-key"));
    Files.writeString(secrets.resolve("mask-key/key"), "k3y\n");
    KAFKA.broker().createTopic("payments", 3);
    String transforms =
        "[{\"validate\":{}},"
            + "{\"normalize\":{\"rules\":[{\"field\":\"country\",\"trim\":true,\"toCase\":\"upper\"}]}},"
            + "{\"filter\":{\"expression\":\"amount > 100\"}},"
            + "{\"derive\":{\"fields\":[{\"name\":\"amount_aed\",\"expression\":\"amount * 3.67\"}]}},"
            + "{\"name\":\"pii\",\"mask\":{\"keySecretRef\":{\"name\":\"mask-key\",\"key\":\"key\"},"
            + "\"fields\":[{\"field\":\"email\",\"method\":\"hmac\"},{\"field\":\"card\",\"method\":\"keepLast\",\"keep\":4}]}}]";
    String schema =
        "{\"fields\":[{\"name\":\"id\",\"type\":\"integer\",\"required\":true},"
            + "{\"name\":\"amount\",\"type\":\"number\",\"required\":true},"
            + "{\"name\":\"country\",\"type\":\"string\"},"
            + "{\"name\":\"email\",\"type\":\"string\",\"classification\":\"personal\"},"
            + "{\"name\":\"card\",\"type\":\"string\"}]}";
    String plan =
        Plans.plan(
            "payments",
            KAFKA.broker().bootstrapServers(),
            "payments",
            "payments-out",
            transforms,
            schema,
            "\"secretsDir\":\"" + secrets + "\"");
    try (InProcessWorker w = InProcessWorker.start(plan, secrets, "pay-1")) {
      produceAll(
          "payments",
          List.of(
              "{\"id\":1,\"amount\":150,\"country\":\" ae \",\"email\":\"a@x.io\",\"card\":\"4111111111111111\"}",
              "{\"id\":2,\"amount\":50,\"country\":\"ae\"}",
              "{\"id\":3,\"amount\":\"lots\",\"email\":\"a@x.io\"}",
              "not json",
              "{\"id\":4,\"amount\":1000.5,\"email\":\"ü@x.io\"}"));
      List<JsonNode> out = awaitOutput("payments-out", 2);
      Map<Long, JsonNode> byId = new HashMap<>();
      out.forEach(o -> byId.put(o.get("id").asLong(), o));
      assertThat(byId.keySet()).containsExactlyInAnyOrder(1L, 4L);
      JsonNode one = byId.get(1L);
      assertThat(one.get("country").asText()).isEqualTo("AE");
      assertThat(one.get("amount_aed").asDouble()).isEqualTo(550.5);
      assertThat(one.get("email").asText()).hasSize(64).doesNotContain("@");
      assertThat(one.get("card").asText()).isEqualTo("************1111");

      List<ConsumerRecord<byte[], byte[]>> dlq = new ArrayList<>();
      try (KafkaConsumer<byte[], byte[]> c = KAFKA.broker().rawConsumer()) {
        c.subscribe(List.of("payments.dlq"));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  c.poll(Duration.ofMillis(200)).forEach(dlq::add);
                  return dlq.size() >= 2;
                });
      }
      Map<String, Map<String, String>> byStep = new HashMap<>();
      Map<String, byte[]> values = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : dlq) {
        Map<String, String> h = KafkaBroker.headers(r.headers());
        byStep.put(h.get("tributary.step"), h);
        values.put(h.get("tributary.step"), r.value());
      }
      assertThat(byStep).containsOnlyKeys("validate-0", "source");
      assertThat(byStep.get("validate-0"))
          .containsEntry("tributary.step.index", "0")
          .containsEntry("tributary.source.topic", "payments")
          .containsKeys("tributary.source.partition", "tributary.source.offset");
      assertThat(byStep.get("validate-0").get("tributary.reason")).contains("amount");
      assertThat(byStep.get("source").get("tributary.reason")).contains("not JSON");
      // email is personal: its dead letter carries it masked with the chain's own hmac and key
      // (record 1 has the same address), and input that is not a record is not kept at all.
      assertThat(
              json(new String(values.get("validate-0"), StandardCharsets.UTF_8))
                  .get("email")
                  .asText())
          .isEqualTo(one.get("email").asText());
      assertThat(byStep.get("validate-0")).containsEntry("tributary.masked", "email");
      assertThat(values.get("source")).isNull();
      assertThat(byStep.get("source").get("tributary.reason")).contains("is not kept");

      await().atMost(Duration.ofSeconds(10)).until(() -> w.recordsIn() >= 5);
      String metrics = get(w.worker.opsPort(), "/metrics").body();
      assertThat(metrics)
          .contains("tributary_worker_records_in_total{name=\"payments\",namespace=\"it\"} 5.0")
          .contains("tributary_worker_records_out_total{name=\"payments\",namespace=\"it\"} 2.0")
          .contains(
              "tributary_worker_records_dead_lettered_total{name=\"payments\",namespace=\"it\",step=\"validate-0\"} 1.0")
          .contains("tributary_worker_processing_latency_seconds_bucket")
          .contains("tributary_worker_transactions_committed_total")
          .contains("tributary_worker_consumer_lag")
          .contains("tributary_worker_rebalances_total");
      assertThat(get(w.worker.opsPort(), "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(w.worker.opsPort(), "/readyz").statusCode()).isEqualTo(200);
      w.close();
      assertThat(w.exit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    }
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void dedupeStateIsRestoredAfterARestart() throws Exception {
    KAFKA.broker().createTopic("events", 2);
    String plan =
        Plans.plan(
            "events",
            KAFKA.broker().bootstrapServers(),
            "events",
            "events-out",
            "[{\"dedupe\":{\"keyFields\":[\"event_id\"],\"window\":\"1h\"}}]",
            null,
            null);
    List<String> first = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      first.add("{\"event_id\":\"e" + i + "\",\"n\":1}");
    }
    try (InProcessWorker w = InProcessWorker.start(plan, secrets, "dedupe-1")) {
      produceAll("events", first);
      awaitOutput("events-out", 20);
      w.close();
      assertThat(w.exit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    }
    // The same keys again (each on the partition of its first copy, as keyed input would be)
    // plus new ones: only the new ones may pass the restarted worker.
    List<String> second = new ArrayList<>(first);
    for (int i = 20; i < 25; i++) {
      second.add("{\"event_id\":\"e" + i + "\",\"n\":2}");
    }
    try (InProcessWorker w = InProcessWorker.start(plan, secrets, "dedupe-2")) {
      produceAll("events", second);
      await().atMost(Duration.ofSeconds(60)).until(() -> w.recordsIn() >= 25);
      List<JsonNode> out = awaitOutput("events-out", 25);
      w.close();
      w.exit.get(30, TimeUnit.SECONDS);
      out = new ArrayList<>();
      for (var r : KAFKA.broker().readAll("events-out")) {
        out.add(json(r.value()));
      }
      assertThat(out).hasSize(25);
      assertThat(out.stream().map(o -> o.get("event_id").asText()).distinct()).hasSize(25);
    }
  }

  @Test
  void aggregateEmitsTumblingWindowsByKey() throws Exception {
    KAFKA.broker().createTopic("txns", 1);
    String plan =
        Plans.plan(
            "txns",
            KAFKA.broker().bootstrapServers(),
            "txns",
            "txns-out",
            "[{\"aggregate\":{\"keyFields\":[\"card\"],\"window\":\"2s\",\"timestampField\":\"at\","
                + "\"aggregations\":[{\"function\":\"count\",\"as\":\"n\"},"
                + "{\"function\":\"sum\",\"field\":\"amount\",\"as\":\"total\"}]}}]",
            null,
            null);
    // A window that starts after production ends, so nothing arrives late.
    long start = (Instant.now().toEpochMilli() / 2000 + 2) * 2000;
    String at = Instant.ofEpochMilli(start + 500).toString();
    try (InProcessWorker w = InProcessWorker.start(plan, secrets, "agg-1")) {
      produceAll(
          "txns",
          List.of(
              "{\"card\":\"c1\",\"amount\":10,\"at\":\"" + at + "\"}",
              "{\"card\":\"c1\",\"amount\":5,\"at\":\"" + at + "\"}",
              "{\"card\":\"c2\",\"amount\":1,\"at\":\"" + at + "\"}"));
      List<JsonNode> out = awaitOutput("txns-out", 2);
      Map<String, JsonNode> byCard = new HashMap<>();
      out.forEach(o -> byCard.put(o.get("card").asText(), o));
      assertThat(byCard.get("c1").get("n").asLong()).isEqualTo(2);
      assertThat(byCard.get("c1").get("total").asLong()).isEqualTo(15);
      assertThat(byCard.get("c2").get("n").asLong()).isEqualTo(1);
      assertThat(byCard.get("c1").get("window_start").asText())
          .isEqualTo(Instant.ofEpochMilli(start).toString());
    }
  }

  @Test
  void consentKeepsOnlySubjectsWhoConsentedReadFromACompactedTopicAndMapProjects()
      throws Exception {
    KAFKA.broker().createCompactedTopic("consent", 1);
    KAFKA.broker().createTopic("visits", 2);
    try (KafkaProducer<String, String> p = KAFKA.broker().producer()) {
      p.send(new ProducerRecord<>("consent", "c1", "{\"purposes\":[\"marketing\",\"fraud\"]}"));
      p.send(new ProducerRecord<>("consent", "c2", "{\"purposes\":[\"fraud\"]}"));
      p.send(new ProducerRecord<>("consent", "c3", "{\"purposes\":[\"marketing\"]}"));
      p.send(new ProducerRecord<>("consent", "c3", null)); // withdrawn
      p.flush();
    }
    String plan =
        Plans.plan(
            "visits",
            KAFKA.broker().bootstrapServers(),
            "visits",
            "visits-out",
            "[{\"consent\":{\"purpose\":\"marketing\",\"subjectField\":\"customer\",\"topic\":\"consent\"}},"
                + "{\"map\":{\"fields\":[{\"name\":\"page\",\"expression\":\"page\"},"
                + "{\"name\":\"who\",\"expression\":\"customer\"}]}}]",
            null,
            null);
    try (InProcessWorker w = InProcessWorker.start(plan, secrets, "consent-1")) {
      produceAll(
          "visits",
          List.of(
              "{\"customer\":\"c1\",\"page\":1}",
              "{\"customer\":\"c2\",\"page\":2}",
              "{\"customer\":\"c3\",\"page\":3}",
              "{\"page\":4}",
              "{\"customer\":\"c1\",\"page\":5}"));
      await().atMost(Duration.ofSeconds(60)).until(() -> w.recordsIn() >= 5);
      List<JsonNode> out = awaitOutput("visits-out", 2);
      w.close();
      w.exit.get(30, TimeUnit.SECONDS);
      assertThat(KAFKA.broker().readAll("visits-out"))
          .extracting(r -> json(r.value()).get("page").asInt())
          .containsExactlyInAnyOrder(1, 5);
      // ... and the map step projected them onto its two fields.
      assertThat(out)
          .allSatisfy(
              o -> {
                assertThat(o.get("who").asText()).isEqualTo("c1");
                assertThat(o.has("customer")).isFalse();
              });
    }
  }
}

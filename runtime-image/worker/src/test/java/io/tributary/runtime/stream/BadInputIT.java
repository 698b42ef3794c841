package io.tributary.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.runtime.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records that must neither crash nor stall a stream worker, against a real broker: a record that
 * validate with onInvalid fail refuses halts the worker at that record (what came before is
 * committed) and the skip-record position resumes it; records too large for their topics become
 * dead letters, and a record too large even for that is named by its position.
 */
class BadInputIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static KafkaBroker kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  private static final String STRICT = "[{\"validate\":{\"onInvalid\":\"fail\"}}]";
  private static final String SCHEMA =
      "{\"fields\":[{\"name\":\"id\",\"type\":\"integer\",\"required\":true},"
          + "{\"name\":\"amount\",\"type\":\"number\",\"required\":true}]}";

  @Test
  void aRecordThatMustNotPassHaltsTheWorkerAfterCommittingWhatCameBeforeAndSkippingItResumes()
      throws Exception {
    kafka.createTopic("orders", 1);
    produce(
        "orders",
        List.of(
            "{\"id\":1,\"amount\":10}",
            "{\"id\":2,\"amount\":20}",
            "{\"id\":3,\"amount\":\"thirty\"}",
            "{\"id\":4,\"amount\":40}"));
    String plan =
        Plans.plan(
            "orders", kafka.bootstrapServers(), "orders", "orders-out", STRICT, SCHEMA, null);
    Path planFile = Files.writeString(dir.resolve("plan.json"), plan);
    Path summaryFile = dir.resolve("termination-log");
    Process worker =
        WorkerProcess.start(planFile, "orders-1", dir.resolve("worker-1.log"), summaryFile);
    assertThat(worker.waitFor(90, TimeUnit.SECONDS)).as("the worker stops by itself").isTrue();
    assertThat(worker.exitValue()).isEqualTo(ExitCodes.PERMANENT);

    RunSummary summary = PlanJson.readSummary(Files.readString(summaryFile));
    assertThat(summary.failure()).isEqualTo(RunSummary.PERMANENT);
    assertThat(summary.halt()).isNotNull();
    assertThat(summary.halt().position().toString()).isEqualTo("orders/0@2");
    assertThat(summary.halt().step()).isEqualTo("transforms[0] (validate-0)");
    assertThat(summary.halt().reason()).contains("amount").doesNotContain("thirty");
    assertThat(summary.message()).contains("orders/0@2");
    // Everything before the halted record is out and committed; the record and what follows wait.
    assertThat(ids("orders-out")).containsExactly(1L, 2L);
    assertThat(committed("tributary-it-orders", new TopicPartition("orders", 0))).isEqualTo(2L);
    assertThat(kafka.readAll("orders.dlq")).isEmpty();

    // Resume, sending exactly that record to the dead letters (as the operator renders the
    // tributary.io/skip-record annotation into the plan).
    JsonNode tree = JSON.readTree(plan);
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree).put("skipRecord", "orders/0@2");
    Path resumed = Files.writeString(dir.resolve("plan-skip.json"), tree.toString());
    Process again =
        WorkerProcess.start(resumed, "orders-1", dir.resolve("worker-2.log"), summaryFile);
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> ids("orders-out").size() == 3);
      assertThat(ids("orders-out")).containsExactly(1L, 2L, 4L);
      List<ConsumerRecord<byte[], byte[]>> dlq = kafka.readAllBytes("orders.dlq");
      assertThat(dlq).hasSize(1);
      Map<String, String> h = headers(dlq.get(0));
      assertThat(h.get("tributary.reason")).contains("amount").contains("skip-record");
      assertThat(h).containsEntry("tributary.source.offset", "2");
      assertThat(new String(dlq.get(0).value(), StandardCharsets.UTF_8)).contains("thirty");
      assertThat(again.isAlive()).as("the resumed worker goes on").isTrue();
    } finally {
      again.destroy(); // SIGTERM: a graceful stop
      assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void recordsTooLargeForTheirTopicsBecomeDeadLettersAndThePartitionGoesOn() throws Exception {
    kafka.createTopic("big", 1);
    try (var admin = kafka.admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("big-out", 1, (short) 1)
                      .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "3000")),
                  new NewTopic("big.dlq", 1, (short) 1)
                      .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "2700"))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    // The derive doubles the text, so a 2,000-byte record makes a 4,000-byte output.
    String transforms =
        "[{\"derive\":{\"fields\":[{\"name\":\"twice\",\"expression\":\"text + text\"}]}}]";
    String plan =
        Plans.plan("big", kafka.bootstrapServers(), "big", "big-out", transforms, null, null);
    String fits = "{\"id\":1,\"text\":\"" + "a".repeat(100) + "\"}";
    String outputTooLarge = "{\"id\":2,\"text\":\"" + "b".repeat(2000) + "\"}";
    String inputTooLarge = "{\"id\":3,\"text\":\"" + "c".repeat(2800) + "\"}";
    String after = "{\"id\":4,\"text\":\"d\"}";
    produce("big", List.of(fits, outputTooLarge, inputTooLarge, after));
    try (InProcessWorker w = InProcessWorker.start(plan, dir, "big-1")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> ids("big-out").size() == 2);
      assertThat(ids("big-out")).containsExactly(1L, 4L);
      await().atMost(Duration.ofSeconds(30)).until(() -> kafka.readAllBytes("big.dlq").size() == 2);
      List<ConsumerRecord<byte[], byte[]>> dlq = kafka.readAllBytes("big.dlq");
      Map<String, String> second = headers(dlq.get(0));
      assertThat(second).containsEntry("tributary.step", "sink");
      assertThat(second.get("tributary.reason")).contains("over the 3000 bytes");
      assertThat(new String(dlq.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(outputTooLarge);
      Map<String, String> third = headers(dlq.get(1));
      assertThat(third.get("tributary.reason"))
          .contains("too large to copy into the dead-letter topic")
          .contains("big/0@2");
      assertThat(third).containsEntry("tributary.size", String.valueOf(inputTooLarge.length() + 2));
      assertThat(dlq.get(1).value()).isNull();
      w.close();
      assertThat(w.exit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    }
  }

  private static void produce(String topic, List<String> values) {
    try (KafkaProducer<String, String> p = kafka.producer()) {
      for (int i = 0; i < values.size(); i++) {
        p.send(new ProducerRecord<>(topic, "k" + i, values.get(i)));
      }
      p.flush();
    }
  }

  private static List<Long> ids(String topic) {
    return kafka.readAll(topic).stream().map(r -> read(r.value()).get("id").asLong()).toList();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static long committed(String group, TopicPartition tp) throws Exception {
    try (var admin = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      return Optional.ofNullable(offsets.get(tp)).map(OffsetAndMetadata::offset).orElse(-1L);
    }
  }

  private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
    Map<String, String> h = new HashMap<>();
    for (Header header : r.headers()) {
      h.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    return h;
  }
}

package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.lake;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.ValidateTransform;
import io.tributary.runtime.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded kafka source, the transactional kafka sink and lineage over Kafka, on a real broker.
 */
class KafkaIT {
  static KafkaBroker kafka;
  @TempDir Path dir;

  @BeforeAll
  static void broker() throws Exception {
    kafka = KafkaBroker.start();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  static void produce(String topic, int from, int to, String... extra) throws Exception {
    try (KafkaProducer<String, String> p = kafka.producer()) {
      for (int i = from; i < to; i++) {
        p.send(new ProducerRecord<>(topic, "k" + i, "{\"id\":" + i + ",\"amount\":" + i + "}"));
      }
      for (String e : extra) p.send(new ProducerRecord<>(topic, "bad", e));
      p.flush();
    }
  }

  static List<Long> ids(String topic) throws Exception {
    List<Long> out = new ArrayList<>();
    for (ConsumerRecord<String, String> r : kafka.readAll(topic)) {
      out.add(BatchPlans.JSON.readTree(r.value()).get("id").asLong());
    }
    return out;
  }

  BatchPlans plan(String in, String group, SinkSpec sink) {
    BatchPlans p = new BatchPlans();
    p.source =
        SourceSpec.of(
            KafkaSource.of(kafka.bootstrapServers(), List.of(in))
                .withConsumerGroup("tributary-team-a-" + group));
    p.sink = sink;
    return p;
  }

  @Test
  void kafkaToKafkaReadsFromCommittedOffsetsAndCommitsThemInTheTransaction() throws Exception {
    kafka.createTopic("orders-in", 3);
    kafka.createTopic("orders-out", 3);
    produce("orders-in", 0, 50, "not json");
    SinkSpec sink =
        SinkSpec.of(KafkaSink.of(kafka.bootstrapServers(), "orders-out").withKeyField("id"));

    BatchPlans first = plan("orders-in", "g-orders", sink);
    first.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.05);
    BatchPlans.Outcome one = first.run(dir);
    assertThat(one.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(one.summary().recordsRead()).isEqualTo(51);
    assertThat(one.summary().recordsRejected()).isEqualTo(1);
    assertThat(ids("orders-out")).hasSize(50).doesNotHaveDuplicates();

    produce("orders-in", 50, 70);
    BatchPlans second = plan("orders-in", "g-orders", sink);
    second.runId = "run-2";
    BatchPlans.Outcome two = second.run(dir);
    assertThat(two.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(two.summary().recordsRead()).isEqualTo(20);
    assertThat(ids("orders-out")).hasSize(70).doesNotHaveDuplicates();
  }

  @Test
  void aFailedRunAbortsItsTransactionAndKeepsItsOffsets() throws Exception {
    kafka.createTopic("pay-in", 2);
    kafka.createTopic("pay-out", 2);
    produce("pay-in", 0, 40, "[1]", "[2]");
    SinkSpec sink = SinkSpec.of(KafkaSink.of(kafka.bootstrapServers(), "pay-out"));

    BatchPlans strict = plan("pay-in", "g-pay", sink);
    strict.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.01);
    BatchPlans.Outcome failed = strict.run(dir);
    assertThat(failed.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(kafka.readAll("pay-out")).isEmpty();

    BatchPlans lenient = plan("pay-in", "g-pay", sink);
    lenient.runId = "run-2";
    lenient.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.1);
    BatchPlans.Outcome ok = lenient.run(dir);
    assertThat(ok.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(ok.summary().recordsRead()).isEqualTo(42);
    assertThat(ids("pay-out")).hasSize(40).doesNotHaveDuplicates();
    // Without keyField the output keeps the input record's key.
    assertThat(kafka.readAll("pay-out"))
        .allSatisfy(
            r ->
                assertThat(r.key())
                    .isEqualTo("k" + BatchPlans.JSON.readTree(r.value()).get("id").asLong()));
  }

  @Test
  void kafkaToLakeCommitsOffsetsAfterTheLakeAndLineageGoesToATopic() throws Exception {
    kafka.createTopic("clicks", 2);
    kafka.createTopic("lineage", 1);
    produce("clicks", 0, 25);
    Path out = dir.resolve("lake/clicks");
    BatchPlans p = plan("clicks", "g-clicks", lake(out, FileFormat.JSONL));
    p.lineage =
        new WorkerPlan.LineageConfig(
            "kafka", null, "lineage", kafka.bootstrapServers(), "tributary");
    assertThat(p.run(dir).exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(BatchPlans.lakeRecords(out)).hasSize(25);

    produce("clicks", 25, 30);
    p.runId = "run-2";
    BatchPlans.Outcome two = p.run(dir);
    assertThat(two.summary().recordsRead()).isEqualTo(5);
    assertThat(BatchPlans.lakeRecords(out)).hasSize(30);

    List<JsonNode> events = new ArrayList<>();
    for (ConsumerRecord<String, String> r : kafka.readAll("lineage")) {
      events.add(BatchPlans.JSON.readTree(r.value()));
    }
    assertThat(events)
        .extracting(e -> e.get("eventType").asText())
        .containsExactly("START", "COMPLETE", "START", "COMPLETE");
    JsonNode complete = events.get(1);
    assertThat(complete.at("/job/name").asText()).isEqualTo("team-a.orders-daily");
    assertThat(complete.at("/inputs/0/namespace").asText()).startsWith("kafka://127.0.0.1:");
    assertThat(complete.at("/inputs/0/name").asText()).isEqualTo("clicks");
    assertThat(complete.at("/outputs/0/name").asText()).isEqualTo(out.toString());
    assertThat(complete.at("/outputs/0/outputFacets/outputStatistics/rowCount").asLong())
        .isEqualTo(25);
  }

  @Test
  void rejectedRecordsGoToTheDeadLetterTopicWithTheirReason() throws Exception {
    kafka.createTopic("dl-in", 1);
    kafka.createTopic("dl-out", 1);
    kafka.createTopic("dl-in.dlq", 1);
    produce("dl-in", 0, 30, "{broken");
    BatchPlans p =
        plan("dl-in", "g-dl", SinkSpec.of(KafkaSink.of(kafka.bootstrapServers(), "dl-out")));
    p.deadLetter = new DeadLetterSpec("dl-in.dlq", null, 0.1);

    assertThat(p.run(dir).exitCode()).isEqualTo(ExitCodes.OK);

    List<ConsumerRecord<String, String>> dead = kafka.readAll("dl-in.dlq");
    assertThat(dead).hasSize(1);
    JsonNode entry = BatchPlans.JSON.readTree(dead.get(0).value());
    assertThat(entry.get("raw").asText()).isEqualTo("{broken");
    assertThat(entry.get("step").asText()).isEqualTo("source");
    assertThat(new String(dead.get(0).headers().lastHeader("tributary.reason").value()))
        .contains("not JSON");
    assertThat(ids("dl-out")).hasSize(30);
  }

  @Test
  void deadLettersCarryPersonalDataMaskedAsTheChainMasksItAndNeverTheRawInput() throws Exception {
    kafka.createTopic("pii-in", 1);
    kafka.createTopic("pii-out", 1);
    kafka.createTopic("pii-in.dlq", 1);
    produce(
        "pii-in",
        0,
        0,
        "{\"id\":1,\"email\":\"ada@x.io\"}",
        "{\"id\":\"one\",\"email\":\"ada@x.io\"}",
        "{broken ada@x.io");
    Path secrets = dir.resolve("secrets");
    Files.createDirectories(secrets.resolve("mask-key"));
    Files.writeString(secrets.resolve("mask-key/key"), "k3y\n");
    BatchPlans p =
        plan("pii-in", "g-pii", SinkSpec.of(KafkaSink.of(kafka.bootstrapServers(), "pii-out")));
    p.secretsDir = secrets.toString();
    p.schema =
        new SchemaSpec(
            List.of(
                SchemaSpec.Field.of("id", SchemaSpec.Type.INTEGER).asRequired(),
                SchemaSpec.Field.of("email", SchemaSpec.Type.STRING)
                    .classified(SchemaSpec.Classification.PERSONAL)),
            null);
    p.transforms =
        List.of(
            TransformSpec.of(new ValidateTransform(null)),
            TransformSpec.of(
                new MaskTransform(
                    new SecretKeyRef("mask-key", "key"),
                    List.of(MaskTransform.Field.of("email", MaskTransform.Method.HMAC)))));
    p.deadLetter = new DeadLetterSpec("pii-in.dlq", null, 0.9);

    assertThat(p.run(dir).exitCode()).isEqualTo(ExitCodes.OK);

    List<ConsumerRecord<String, String>> out = kafka.readAll("pii-out");
    assertThat(out).hasSize(1);
    String hmac = BatchPlans.JSON.readTree(out.get(0).value()).get("email").asText();
    assertThat(hmac).matches("[0-9a-f]{64}");
    List<ConsumerRecord<String, String>> dead = kafka.readAll("pii-in.dlq");
    assertThat(dead).hasSize(2).noneSatisfy(d -> assertThat(d.value()).contains("ada@x.io"));
    Map<String, JsonNode> byStep = new java.util.HashMap<>();
    for (ConsumerRecord<String, String> d : dead) {
      JsonNode entry = BatchPlans.JSON.readTree(d.value());
      byStep.put(entry.get("step").asText(), entry);
    }
    assertThat(byStep).containsOnlyKeys("validate-0", "source");
    JsonNode invalid = byStep.get("validate-0");
    assertThat(invalid.at("/record/email").asText())
        .as("the same hmac, with the same key, as the output")
        .isEqualTo(hmac);
    assertThat(invalid.get("masked").toString()).isEqualTo("[\"email\"]");
    JsonNode unreadable = byStep.get("source");
    assertThat(unreadable.has("raw")).isFalse();
    assertThat(unreadable.get("rawBytes").asInt()).isEqualTo(16);
  }

  @Test
  void valuesThatAreNotRecordsAreDeadLetteredAndTheOffsetsMovePastThem() throws Exception {
    kafka.createTopic("bad-in", 1);
    Properties props = new Properties();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    try (KafkaProducer<String, byte[]> p =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      p.send(new ProducerRecord<>("bad-in", "k1", utf8("{\"id\":1}")));
      p.send(new ProducerRecord<>("bad-in", "k2", utf8("{\"id\":2,\"amount\":1e400}")));
      byte[] latin1 = "{\"id\":3,\"note\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
      p.send(new ProducerRecord<>("bad-in", "k3", latin1));
      p.send(new ProducerRecord<>("bad-in", "k4", utf8("{\"id\":4}")));
      p.flush();
    }
    Path out = dir.resolve("lake/bad");
    BatchPlans first = plan("bad-in", "g-bad", lake(out, FileFormat.JSONL));
    first.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.6);

    BatchPlans.Outcome one = first.run(dir);

    assertThat(one.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(one.summary().recordsRead()).isEqualTo(4);
    assertThat(BatchPlans.lakeRecords(out))
        .extracting(r -> r.get("id").asLong())
        .containsExactlyInAnyOrder(1L, 4L);
    assertThat(BatchPlans.jsonLines(dir.resolve("dlq/run-1.jsonl")))
        .extracting(d -> d.get("reason").asText())
        .satisfiesExactly(
            r -> assertThat(r).startsWith("bad-in-0@1: ").contains("too large"),
            r -> assertThat(r).startsWith("bad-in-0@2: ").contains("UTF-8"));

    BatchPlans second = plan("bad-in", "g-bad", lake(out, FileFormat.JSONL));
    second.runId = "run-2";
    BatchPlans.Outcome two = second.run(dir);
    assertThat(two.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(two.summary().recordsRead()).isZero();
  }

  @Test
  void aRecordTooLargeForTheOutputTopicIsDeadLetteredNotFailingTheTransaction() throws Exception {
    kafka.createTopic("big-in", 1);
    kafka.createTopic("big-out", 1, Map.of("max.message.bytes", "1000"));
    produce("big-in", 0, 10, "{\"id\":99,\"note\":\"" + "x".repeat(2000) + "\"}");
    SinkSpec sink =
        SinkSpec.of(KafkaSink.of(kafka.bootstrapServers(), "big-out").withKeyField("id"));
    BatchPlans p = plan("big-in", "g-big", sink);
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.2);

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsWritten()).isEqualTo(10);
    assertThat(ids("big-out")).hasSize(10).doesNotContain(99L);
    assertThat(BatchPlans.jsonLines(dir.resolve("dlq/run-1.jsonl")))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.get("step").asText()).isEqualTo("sink");
              assertThat(d.get("reason").asText()).contains("over the 1000 bytes");
            });
  }

  @Test
  void aDeadLetterTooLargeForItsTopicIsKeptWithoutTheRecordInsteadOfFailingTheRun()
      throws Exception {
    kafka.createTopic("huge-in", 1);
    kafka.createTopic("huge-rejects", 1, Map.of("max.message.bytes", "1000"));
    produce("huge-in", 0, 20, "{not json " + "x".repeat(3000));
    BatchPlans p = plan("huge-in", "g-huge", lake(dir.resolve("lake/huge"), FileFormat.JSONL));
    p.deadLetter = new DeadLetterSpec("huge-rejects", null, 0.1);

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsRejected()).isEqualTo(1);
    List<ConsumerRecord<String, String>> dead = kafka.readAll("huge-rejects");
    assertThat(dead).hasSize(1);
    JsonNode entry = BatchPlans.JSON.readTree(dead.get(0).value());
    assertThat(entry.get("step").asText()).isEqualTo("source");
    assertThat(entry.get("reason").asText()).contains("huge-in-0@20");
    assertThat(entry.has("raw")).isFalse();
    assertThat(entry.get("note").asText()).contains("too large for the dead-letter topic");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

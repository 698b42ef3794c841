package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.field;
import static io.tributary.runtime.batch.BatchPlans.files;
import static io.tributary.runtime.batch.BatchPlans.lake;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.tributary.events.TributaryEvents;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SchemaSpec.Type;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.transform.ValidateTransform;
import io.tributary.runtime.testing.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's CloudEvents on a real broker, read back with the CloudEvents SDK's Kafka deserializer as
 * a training pipeline's trigger would read them.
 */
class RunEventsIT {
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

  private BatchPlans ordersIntoTheLake(String topic, String... lines) throws Exception {
    Path in = dir.resolve("in/orders.jsonl");
    Files.createDirectories(in.getParent());
    Files.writeString(in, String.join("\n", lines) + "\n");
    BatchPlans p = new BatchPlans();
    p.source = files(in, FileFormat.JSONL);
    p.schema =
        new SchemaSpec(
            List.of(field("id", Type.INTEGER).asRequired(), field("country", Type.STRING)), null);
    p.sink = lake(dir.resolve("lake/orders"), FileFormat.JSONL, "country");
    p.events = EventsSpec.kafka(kafka.bootstrapServers(), topic);
    kafka.createTopic(topic, 1);
    return p;
  }

  @Test
  void aRunIntoTheLakeSaysItStartedAndWhatItCommitted() throws Exception {
    BatchPlans p =
        ordersIntoTheLake(
            "runs-ok",
            "{\"id\":1,\"country\":\"AE\"}",
            "{\"id\":2,\"country\":\"SA\"}",
            "{\"id\":3,\"country\":\"AE\"}");
    WorkerPlan plan = p.build();
    BatchWorker worker = new BatchWorker(plan, dir.resolve("termination"));

    assertThat(worker.run()).isEqualTo(ExitCodes.OK);

    List<ConsumerRecord<String, CloudEvent>> got = read("runs-ok");
    assertThat(got)
        .extracting(r -> r.value().getType())
        .containsExactly(
            "io.tributary.datapipeline.run.started", "io.tributary.datapipeline.run.succeeded");
    for (ConsumerRecord<String, CloudEvent> r : got) {
      CloudEvent e = r.value();
      assertThat(r.key()).isEqualTo("/namespaces/team-a/datapipelines/orders-daily");
      assertThat(e.getSource().toString()).isEqualTo(r.key());
      assertThat(e.getSubject()).isEqualTo("run-1");
      assertThat(e.getDataContentType()).isEqualTo("application/json");
      assertThat(e.getExtension("dataset")).isEqualTo(plan.sink().lake().path());
      assertThat(e.getTime()).isNotNull();
    }
    assertThat(got.get(0).value().getId())
        .isEqualTo(TributaryEvents.id(plan.pipeline(), "run/run-1/1/started"));
    assertThat(got.get(1).value().getId())
        .isEqualTo(TributaryEvents.id(plan.pipeline(), "run/run-1/succeeded"));

    JsonNode data = data(got.get(1).value());
    assertThat(data.at("/run/id").asText()).isEqualTo("run-1");
    assertThat(data.at("/run/attempt").asInt()).isEqualTo(1);
    assertThat(data.at("/dataset/kind").asText()).isEqualTo("lake");
    assertThat(data.at("/dataset/format").asText()).isEqualTo("jsonl");
    assertThat(data.at("/records/read").asLong()).isEqualTo(3);
    assertThat(data.at("/records/written").asLong()).isEqualTo(3);
    assertThat(data.at("/records/rejected").asLong()).isZero();
    assertThat(data.at("/commit/location").asText()).isEqualTo(plan.sink().lake().path());
    assertThat(data.at("/commit/files").asInt()).isEqualTo(2); // country=AE, country=SA
    Path manifest = Path.of(data.at("/commit/manifest").asText());
    assertThat(manifest).isEqualTo(dir.resolve("lake/orders/_runs/run-1.json"));
    assertThat(BatchPlans.JSON.readTree(manifest.toFile()).get("records").asLong()).isEqualTo(3);
    assertThat(data.has("failure")).isFalse();
    assertThat(worker.metrics().eventCount("started", "delivered")).isEqualTo(1);
    assertThat(worker.metrics().eventCount("succeeded", "delivered")).isEqualTo(1);
  }

  @Test
  void aFailedAttemptSaysWhyAndThatItIsNotRetried() throws Exception {
    BatchPlans p =
        ordersIntoTheLake(
            "runs-failed", "{\"id\":1,\"country\":\"AE\"}", "{\"id\":\"two\",\"country\":\"SA\"}");
    p.transforms =
        List.of(TransformSpec.of(new ValidateTransform(ValidateTransform.OnInvalid.FAIL)));
    BatchWorker worker = new BatchWorker(p.build(), dir.resolve("termination"));

    assertThat(worker.run()).isNotEqualTo(ExitCodes.OK);

    List<ConsumerRecord<String, CloudEvent>> got = read("runs-failed");
    assertThat(got)
        .extracting(r -> r.value().getType())
        .containsExactly(
            "io.tributary.datapipeline.run.started", "io.tributary.datapipeline.run.failed");
    JsonNode data = data(got.get(1).value());
    assertThat(data.at("/failure/kind").asText()).isEqualTo(RunSummary.PERMANENT);
    assertThat(data.at("/failure/message").asText()).contains("id");
    assertThat(data.at("/records/written").asLong()).isZero();
    assertThat(data.has("commit")).isFalse();
    assertThat(Files.exists(dir.resolve("lake/orders/_SUCCESS"))).isFalse();
  }

  @Test
  void anAttemptThatFindsTheRunCommittedRepeatsTheSucceededEventWithTheSameId() throws Exception {
    BatchPlans p = ordersIntoTheLake("runs-retried", "{\"id\":1,\"country\":\"AE\"}");
    WorkerPlan first = p.build();
    assertThat(new BatchWorker(first, dir.resolve("t1")).run()).isEqualTo(ExitCodes.OK);
    WorkerPlan second = first.toBuilder().run(new WorkerPlan.Run("run-1", 2, null)).build();
    assertThat(new BatchWorker(second, dir.resolve("t2")).run()).isEqualTo(ExitCodes.OK);

    List<ConsumerRecord<String, CloudEvent>> got = read("runs-retried");
    // The second attempt read nothing: it reports the committed run, and only that.
    assertThat(got)
        .extracting(r -> r.value().getType())
        .containsExactly(
            "io.tributary.datapipeline.run.started",
            "io.tributary.datapipeline.run.succeeded",
            "io.tributary.datapipeline.run.succeeded");
    assertThat(got.get(2).value().getId()).isEqualTo(got.get(1).value().getId());
    JsonNode again = data(got.get(2).value());
    assertThat(again.at("/run/attempt").asInt()).isEqualTo(2);
    assertThat(again.at("/records/written").asLong()).isEqualTo(1);
    assertThat(again.at("/commit/manifest").asText())
        .isEqualTo(dir.resolve("lake/orders/_runs/run-1.json").toString());
  }

  private static JsonNode data(CloudEvent e) throws Exception {
    return BatchPlans.JSON.readTree(e.getData().toBytes());
  }

  /** Every event on {@code topic}, through the SDK's deserializer. */
  private static List<ConsumerRecord<String, CloudEvent>> read(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<String, CloudEvent>> out = new ArrayList<>();
    try (KafkaConsumer<String, CloudEvent> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new CloudEventDeserializer())) {
      List<TopicPartition> parts = List.of(new TopicPartition(topic, 0));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (c.position(parts.get(0)) < end.get(parts.get(0))) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}

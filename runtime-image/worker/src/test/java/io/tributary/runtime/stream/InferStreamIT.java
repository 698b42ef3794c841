package io.tributary.runtime.stream;

import static io.tributary.runtime.testing.TestModels.fraudScore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.runtime.PlanException;
import io.tributary.runtime.testing.BrokerExtension;
import io.tributary.runtime.testing.KafkaBroker;
import io.tributary.runtime.testing.SeaweedFs;
import io.tributary.runtime.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
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
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The infer step in a stream worker against a real broker, on the CPU. */
class InferStreamIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final BrokerExtension KAFKA = new BrokerExtension();

  @TempDir Path secrets;
  @TempDir Path models;

  private static final String SCHEMA =
      "{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"},{\"name\":\"amount\",\"type\":\"number\"},"
          + "{\"name\":\"age\",\"type\":\"number\"},{\"name\":\"risk\",\"type\":\"number\"}]}";

  private String plan(String name, String input, String output, String tensor) {
    TestModels.mount(models, "score", "fraud.onnx", TestModels.FRAUD);
    String transforms =
        "[{\"filter\":{\"expression\":\"amount >= 0.0\"}},"
            + "{\"name\":\"score\",\"infer\":{\"model\":{\"configMap\":{\"name\":\"m\",\"key\":"
            + "\"fraud.onnx\"}},\"inputs\":[{\"tensor\":\""
            + tensor
            + "\",\"fields\":[\"amount\",\"age\",\"risk\"]}],"
            + "\"outputs\":[{\"tensor\":\"score\",\"field\":\"fraud_score\"}],"
            + "\"batchSize\":16,\"maxWait\":\"50ms\"}},"
            + "{\"derive\":{\"fields\":[{\"name\":\"flagged\",\"expression\":\"fraud_score > 0.5\"}]}}]";
    return Plans.plan(
        name,
        KAFKA.broker().bootstrapServers(),
        input,
        output,
        transforms,
        SCHEMA,
        "\"modelsDir\":\"" + models + "\"");
  }

  @Test
  void scoresEveryRecordOnceInBatchesAndDeadLettersWhatTheModelCannotRead() throws Exception {
    KAFKA.broker().createTopic("card", 3);
    int n = 300;
    try (KafkaProducer<String, String> p = KAFKA.broker().producer()) {
      for (int i = 0; i < n; i++) {
        String value =
            i == 7
                ? "{\"id\":7,\"amount\":12.5,\"risk\":0.3}"
                : "{\"id\":"
                    + i
                    + ",\"amount\":"
                    + (i * 5)
                    + ",\"age\":"
                    + (i % 30)
                    + ",\"risk\":0.5}";
        p.send(new ProducerRecord<>("card", "k" + i, value));
      }
      p.flush();
    }
    try (InProcessWorker w =
        InProcessWorker.start(plan("card", "card", "card-scored", "features"), secrets, "inf-1")) {
      List<JsonNode> out = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                out.clear();
                KAFKA.broker().readAll("card-scored").forEach(r -> out.add(json(r.value())));
                return out.size() >= n - 1;
              });
      Map<Integer, JsonNode> byId = new HashMap<>();
      out.forEach(o -> byId.put(o.get("id").asInt(), o));
      assertThat(out).hasSize(n - 1);
      assertThat(byId).hasSize(n - 1).doesNotContainKey(7);
      for (JsonNode o : out) {
        int i = o.get("id").asInt();
        double expected = fraudScore(i * 5, i % 30, 0.5);
        assertThat(o.get("fraud_score").asDouble()).isCloseTo(expected, within(1e-6));
        assertThat(o.get("flagged").asBoolean()).isEqualTo(expected > 0.5);
      }

      List<ConsumerRecord<byte[], byte[]>> dlq = new ArrayList<>();
      try (KafkaConsumer<byte[], byte[]> c = KAFKA.broker().rawConsumer()) {
        c.subscribe(List.of("card.dlq"));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  c.poll(Duration.ofMillis(200)).forEach(dlq::add);
                  return !dlq.isEmpty();
                });
      }
      assertThat(dlq).hasSize(1);
      Map<String, String> h = KafkaBroker.headers(dlq.get(0).headers());
      assertThat(h)
          .containsEntry("tributary.step", "score")
          .containsEntry("tributary.step.index", "1")
          .containsEntry("tributary.reason", "field 'age' is missing; the model needs it");

      // Batches, not one call per record: fewer calls than records, none over batchSize.
      var metrics = w.worker.metrics();
      await().atMost(Duration.ofSeconds(10)).until(() -> w.recordsIn() >= n);
      assertThat(metrics.inferenceRecords("score", "cpu")).isEqualTo(n - 1.0);
      assertThat(metrics.inferenceCalls("score", "cpu")).isLessThan(n - 1L);
      String text = StreamWorkerIT.get(w.worker.opsPort(), "/metrics").body();
      assertThat(text)
          .contains(
              "tributary_worker_inference_provider{name=\"card\",namespace=\"it\","
                  + "provider=\"cpu\",step=\"score\"} 1.0")
          .contains(
              "tributary_worker_inference_batch_size_bucket{name=\"card\",namespace=\"it\","
                  + "provider=\"cpu\",step=\"score\",le=\"16.0\"} "
                  + metrics.inferenceCalls("score", "cpu"))
          .contains("tributary_worker_inference_latency_seconds_count");
      w.close();
      assertThat(w.exit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    }
  }

  @Test
  void aModelThatDoesNotMatchTheMappingStopsTheWorkerAsAnInvalidPlan() {
    KAFKA.broker().createTopic("card-bad", 1);
    try (InProcessWorker w =
        InProcessWorker.start(
            plan("card-bad", "card-bad", "card-bad-scored", "feats"), secrets, "inf-2")) {
      // A PlanException is what Main turns into exit 78 (InvalidPlan) with this message.
      assertThatThrownBy(() -> w.exit.get(60, TimeUnit.SECONDS))
          .hasCauseInstanceOf(PlanException.class)
          .hasMessageContaining(
              "transforms[1] (score): model "
                  + models.resolve("score/fraud.onnx")
                  + ": the model's inputs are [features: float[-1,3]] but infer.inputs maps"
                  + " [feats (3 fields)]");
    }
  }

  /**
   * A model in object storage (a real SeaweedFS): the worker copies it with the store's settings
   * and the credentials from its Secret files, then scores as with a mounted one.
   */
  @Test
  void aModelInObjectStorageIsCopiedFromTheStoreAndScores() throws Exception {
    SeaweedFs store = SeaweedFs.shared();
    store.createBucket("models-s3-it");
    try (S3Client s3 = store.client()) {
      s3.putObject(
          b -> b.bucket("models-s3-it").key("fraud/v3.onnx"),
          RequestBody.fromFile(TestModels.FRAUD));
    }
    SeaweedFs.writeSecrets(secrets);
    KAFKA.broker().createTopic("card-s3", 1);
    int n = 40;
    try (KafkaProducer<String, String> p = KAFKA.broker().producer()) {
      for (int i = 0; i < n; i++) {
        p.send(
            new ProducerRecord<>(
                "card-s3",
                "k" + i,
                "{\"id\":%d,\"amount\":%d,\"age\":%d,\"risk\":0.5}".formatted(i, i * 5, i % 30)));
      }
      p.flush();
    }
    try (InProcessWorker w =
        InProcessWorker.start(
            s3Plan("card-s3", "s3://models-s3-it/fraud/v3.onnx", store), secrets, "inf-s3")) {
      List<JsonNode> out = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                out.clear();
                KAFKA.broker().readAll("card-s3-scored").forEach(r -> out.add(json(r.value())));
                return out.size() >= n;
              });
      assertThat(out).hasSize(n);
      for (JsonNode o : out) {
        int i = o.get("id").asInt();
        assertThat(o.get("fraud_score").asDouble())
            .isCloseTo(fraudScore(i * 5, i % 30, 0.5), within(1e-6));
      }
      assertThat(w.worker.metrics().inferenceRecords("score", "cpu")).isEqualTo((double) n);
    }
  }

  /** A model object that is not there stops the worker as an invalid plan, naming it. */
  @Test
  void aMissingModelObjectStopsTheWorkerNamingTheObjectAndTheSettings() throws Exception {
    SeaweedFs store = SeaweedFs.shared();
    store.createBucket("models-s3-missing");
    SeaweedFs.writeSecrets(secrets);
    KAFKA.broker().createTopic("card-s3-missing", 1);
    try (InProcessWorker w =
        InProcessWorker.start(
            s3Plan("card-s3-missing", "s3://models-s3-missing/fraud/v9.onnx", store),
            secrets,
            "inf-s3-missing")) {
      assertThatThrownBy(() -> w.exit.get(60, TimeUnit.SECONDS))
          .hasCauseInstanceOf(PlanException.class)
          .hasMessageContaining(
              "transforms[0] (score): infer.model.uri: cannot read"
                  + " s3://models-s3-missing/fraud/v9.onnx: ")
          .hasMessageContaining(
              "check the object, the bucket and transforms[0].infer.model.s3 (endpoint, region,"
                  + " credentials)");
    }
  }

  private String s3Plan(String name, String uri, SeaweedFs store) {
    String transforms =
        "[{\"name\":\"score\",\"infer\":{\"model\":{\"uri\":\""
            + uri
            + "\",\"s3\":{\"endpoint\":\""
            + store.endpoint()
            + "\",\"pathStyle\":true,\"accessKeyIdSecretRef\":{\"name\":\"s3\",\"key\":"
            + "\"access-key-id\"},\"secretAccessKeySecretRef\":{\"name\":\"s3\",\"key\":"
            + "\"secret-access-key\"}}},\"inputs\":[{\"tensor\":\"features\","
            + "\"fields\":[\"amount\",\"age\",\"risk\"]}],"
            + "\"outputs\":[{\"tensor\":\"score\",\"field\":\"fraud_score\"}],"
            + "\"batchSize\":16,\"maxWait\":\"50ms\"}}]";
    return Plans.plan(
        name,
        KAFKA.broker().bootstrapServers(),
        name,
        name + "-scored",
        transforms,
        SCHEMA,
        "\"secretsDir\":\"" + secrets + "\"");
  }

  private static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}

package io.tributary.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.kafka.KafkaSecurity;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.transform.ConsentTransform;
import io.tributary.runtime.testing.KafkaBroker;
import io.tributary.runtime.testing.SecureKafka;
import io.tributary.runtime.testing.SecureKafka.Mode;
import io.tributary.runtime.testing.TestPki;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A DataPipeline run against a broker that accepts only mutual TLS or SASL over TLS: the reader,
 * the transactional writer, the dead-letter producer, the consent reader and the lineage producer
 * all connect with the spec's security settings read from the Secret files.
 */
class BatchSecurityIT {
  private static final TestPki CA = TestPki.authority("tributary-batch-it-ca");
  private static KafkaBroker broker;
  private static SecureKafka secure;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaBroker.startSecured(CA);
    secure = new SecureKafka(broker, CA);
  }

  @AfterAll
  static void stop() {
    if (broker != null) broker.close();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Mode.class)
  void kafkaToKafkaWithConsentDeadLettersAndLineageOverTheSecuredListener(Mode mode)
      throws Exception {
    String name = "batch-" + mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    broker.createTopic(name + "-in", 2);
    broker.createTopic(name + "-out", 2);
    broker.createTopic(name + "-dlq", 1);
    broker.createTopic(name + "-lineage", 1);
    broker.createCompactedTopic(name + "-consent", 1);
    try (KafkaProducer<String, String> p = broker.producer()) {
      p.send(new ProducerRecord<>(name + "-consent", "c1", "{\"purposes\":[\"fraud\"]}"));
      p.send(new ProducerRecord<>(name + "-consent", "c2", "{\"purposes\":[\"marketing\"]}"));
      for (int i = 0; i < 20; i++) {
        String customer = i % 2 == 0 ? "c1" : "c2";
        p.send(
            new ProducerRecord<>(
                name + "-in", "k" + i, "{\"id\":" + i + ",\"customer\":\"" + customer + "\"}"));
      }
      p.send(new ProducerRecord<>(name + "-in", "bad", "{broken"));
      p.flush();
    }

    BatchPlans plan = plan(mode, name);
    BatchPlans.Outcome run = plan.run(dir);

    assertThat(run.exitCode()).as(run.summary().message()).isEqualTo(ExitCodes.OK);
    assertThat(run.summary().recordsRead()).isEqualTo(21);
    // Only the consented subject's records, in the run's one transaction.
    assertThat(broker.readAll(name + "-out"))
        .extracting(r -> BatchPlans.JSON.readTree(r.value()).get("id").asInt())
        .containsExactlyInAnyOrder(0, 2, 4, 6, 8, 10, 12, 14, 16, 18);
    List<JsonNode> dead = jsonValues(name + "-dlq");
    assertThat(dead)
        .singleElement()
        .satisfies(d -> assertThat(d.get("raw").asText()).isEqualTo("{broken"));
    assertThat(jsonValues(name + "-lineage"))
        .extracting(e -> e.get("eventType").asText())
        .containsExactly("START", "COMPLETE");
  }

  @Test
  void aWrongPasswordFailsTheRunWithTheBrokersReasonNotAHang() throws Exception {
    broker.createTopic("batch-wrong-in", 1);
    broker.produce("batch-wrong-in", "k", "{\"id\":1}");
    BatchPlans plan = plan(Mode.SCRAM_SHA_256, "batch-wrong");
    plan.transforms = List.of();
    SecureKafka.write(dir.resolve("secrets"), SecureKafka.SCRAM_PASSWORD, "wr0ng\n");

    BatchPlans.Outcome run = plan.run(dir);

    assertThat(run.exitCode()).isNotEqualTo(ExitCodes.OK);
    assertThat(run.summary().message())
        .startsWith("Kafka refused the connection: Authentication failed")
        .contains("SCRAM-SHA-256")
        .doesNotContain("wr0ng");
  }

  @Test
  void anUntrustedBrokerCertificateFailsTheRunWithTheHandshakeError() throws Exception {
    broker.createTopic("batch-untrusted-in", 1);
    broker.produce("batch-untrusted-in", "k", "{\"id\":1}");
    BatchPlans plan = plan(Mode.MUTUAL_TLS, "batch-untrusted");
    plan.transforms = List.of();
    SecureKafka.write(
        dir.resolve("secrets"), SecureKafka.CA, TestPki.authority("someone-else").caPem());

    BatchPlans.Outcome run = plan.run(dir);

    assertThat(run.exitCode()).isNotEqualTo(ExitCodes.OK);
    assertThat(run.summary().message())
        .startsWith("Kafka refused the connection: SSL handshake failed")
        .contains("unable to find valid certification path")
        .contains("tls.caSecretRef");
  }

  /** name-in → consent → name-out, dead letters to name-dlq, lineage to name-lineage. */
  private BatchPlans plan(Mode mode, String name) {
    Path secrets = dir.resolve("secrets");
    secure.writeSecrets(secrets);
    String bootstrap = secure.bootstrapServers(mode);
    KafkaSecurity security = SecureKafka.security(mode);
    BatchPlans p = new BatchPlans();
    p.source =
        SourceSpec.of(
            KafkaSource.of(bootstrap, List.of(name + "-in"))
                .withConsumerGroup("tributary-team-a-" + name)
                .withSecurity(security));
    p.transforms =
        List.of(
            TransformSpec.of(new ConsentTransform("fraud", "customer", name + "-consent", null)));
    p.sink = SinkSpec.of(KafkaSink.of(bootstrap, name + "-out").withSecurity(security));
    p.deadLetter = new DeadLetterSpec(name + "-dlq", null, 0.5);
    p.lineage = WorkerPlan.LineageConfig.kafka(bootstrap, name + "-lineage");
    p.secretsDir = secrets.toString();
    return p;
  }

  private static List<JsonNode> jsonValues(String topic) {
    return broker.readAll(topic).stream()
        .map(
            r -> {
              try {
                return BatchPlans.JSON.readTree(r.value());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }
}

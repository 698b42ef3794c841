package io.tributary.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.pipeline.kafka.KafkaSecurity;
import io.tributary.pipeline.kafka.KafkaTls;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.runtime.testing.KafkaBroker;
import io.tributary.runtime.testing.SecureKafka;
import io.tributary.runtime.testing.SecureKafka.Mode;
import io.tributary.runtime.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stream worker against a broker that accepts only mutual TLS (SSL listener) or SASL over TLS
 * (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512): every client of the worker (consumer, transactional
 * producer of output and dead letters, admin, consent reader) connects with the spec's security
 * settings read from the Secret files, exactly-once included.
 */
class StreamSecurityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TestPki CA = TestPki.authority("tributary-it-ca");
  private static KafkaBroker broker;
  private static SecureKafka secure;

  @TempDir Path secrets;

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
  void roundTripWithDeadLettersAndConsentOverTheSecuredListener(Mode mode) throws Exception {
    secure.writeSecrets(secrets);
    String name = "sec-" + mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    String in = name + "-in";
    String out = name + "-out";
    String consent = name + "-consent";
    broker.createTopic(in, 2);
    broker.createCompactedTopic(consent, 1);
    try (KafkaProducer<String, String> p = broker.producer()) {
      p.send(new ProducerRecord<>(consent, "c1", "{\"purposes\":[\"fraud\"]}"));
      p.send(new ProducerRecord<>(consent, "c2", "{\"purposes\":[\"marketing\"]}"));
      p.flush();
    }
    String plan =
        Plans.plan(
            name,
            secure.bootstrapServers(mode),
            SecureKafka.json(SecureKafka.security(mode)),
            in,
            out,
            "[{\"consent\":{\"purpose\":\"fraud\",\"subjectField\":\"customer\",\"topic\":\""
                + consent
                + "\"}}]",
            null,
            "\"secretsDir\":\"" + secrets + "\"");

    try (InProcessWorker w = InProcessWorker.start(plan, secrets, name)) {
      try (KafkaProducer<String, String> p = broker.producer()) {
        p.send(new ProducerRecord<>(in, "a", "{\"customer\":\"c1\",\"n\":1}"));
        p.send(new ProducerRecord<>(in, "b", "{\"customer\":\"c2\",\"n\":2}"));
        p.send(new ProducerRecord<>(in, "c", "not json"));
        p.send(new ProducerRecord<>(in, "d", "{\"customer\":\"c1\",\"n\":3}"));
        p.flush();
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> w.recordsIn() >= 4);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> broker.readAll(out).size() >= 2 && broker.readAll(in + ".dlq").size() >= 1);
      w.close();
      assertThat(w.exit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    }
    // Only the consented subject's records, once each (exactly-once over the secured listener).
    assertThat(broker.readAll(out))
        .extracting(r -> JSON.readTree(r.value()).get("n").asInt())
        .containsExactlyInAnyOrder(1, 3);
    assertThat(broker.readAll(in + ".dlq")).hasSize(1);
  }

  @Test
  void aWrongPasswordStopsTheWorkerWithTheBrokersReasonAndNeverPrintsThePassword()
      throws Exception {
    secure.writeSecrets(secrets);
    String wrong = "wr0ng-pa55word";
    SecureKafka.write(secrets, SecureKafka.SCRAM_PASSWORD, wrong + "\n");
    broker.createTopic("sec-wrong-in", 1);
    RunSummary summary =
        runToItsEnd(
            "sec-wrong",
            broker.saslSslBootstrapServers(),
            SecureKafka.security(Mode.SCRAM_SHA_512),
            "sec-wrong-in");
    // Authentication failures are fatal: the worker exits (its pod restarts with the reason in
    // the termination message) rather than retrying forever.
    assertThat(summary.message())
        .contains("Kafka refused the connection: Authentication failed")
        .contains("SCRAM-SHA-512");
    assertThat(Files.readString(secrets.resolve("worker.log"))).doesNotContain(wrong);
    assertThat(summary.message()).doesNotContain(wrong);
  }

  @Test
  void anUntrustedBrokerCertificateStopsTheWorkerWithTheHandshakeFailure() throws Exception {
    secure.writeSecrets(secrets);
    // A CA that did not sign the broker's certificate.
    SecureKafka.write(secrets, SecureKafka.CA, TestPki.authority("someone-else").caPem());
    broker.createTopic("sec-untrusted-in", 1);
    RunSummary summary =
        runToItsEnd(
            "sec-untrusted",
            broker.sslBootstrapServers(),
            KafkaSecurity.ssl(KafkaTls.mutual(SecureKafka.CA, SecureKafka.CERT, SecureKafka.KEY)),
            "sec-untrusted-in");
    assertThat(summary.message())
        .contains("Kafka refused the connection: SSL handshake failed")
        .contains("unable to find valid certification path");
    String log = Files.readString(secrets.resolve("worker.log"));
    assertThat(log).doesNotContain("PRIVATE KEY").doesNotContain(KafkaBroker.SCRAM_PASSWORD);
  }

  /** Runs the worker in its own JVM until it exits by itself; its termination message. */
  private RunSummary runToItsEnd(
      String name, String bootstrap, KafkaSecurity security, String input) throws Exception {
    Path planFile = secrets.resolve("plan.json");
    Files.writeString(
        planFile,
        Plans.plan(
            name,
            bootstrap,
            SecureKafka.json(security),
            input,
            input + "-out",
            "[]",
            null,
            "\"secretsDir\":\"" + secrets + "\""));
    Path summary = secrets.resolve("summary.json");
    Process worker =
        WorkerProcess.start(planFile, name + "-1", secrets.resolve("worker.log"), summary);
    assertThat(worker.waitFor(90, TimeUnit.SECONDS)).as("the worker stops by itself").isTrue();
    assertThat(worker.exitValue()).isEqualTo(ExitCodes.RETRYABLE);
    return PlanJson.readSummary(Files.readString(summary));
  }

  static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }
}

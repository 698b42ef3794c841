package io.tributary.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.runtime.mqtt.MqttBridge;
import io.tributary.runtime.testing.ChildDebugger;
import io.tributary.runtime.testing.KafkaBroker;
import io.tributary.runtime.testing.Mosquitto;
import io.tributary.runtime.testing.TestPki;
import io.tributary.runtime.testing.TestPlans;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MQTT-sourced StreamJob against a real Mosquitto and a real Kafka broker: messages published
 * with QoS 1, deliberate duplicates among them, reach the output exactly once per key, also when
 * the worker is killed with SIGKILL in the middle and while it is down; over TLS with a client
 * certificate and a password read from Secret files.
 */
class MqttSourceIT {
  private static final String KEY = "msg_id";

  @TempDir Path dir;

  @Test
  void duplicatesAreRemovedAndKillNineLosesNothing() throws Exception {
    int messages = 3000;
    try (KafkaBroker kafka = KafkaBroker.start();
        Mosquitto mqtt = Mosquitto.plain(dir.resolve("mosquitto"))) {
      kafka.createTopic("sensors-ingest", 3);
      Path plan = dir.resolve("plan.json");
      Files.writeString(plan, plan("sensors", kafka, mqtt, null, null));
      Path log = Path.of("target", "mqtt-it-worker.log").toAbsolutePath();
      Files.deleteIfExists(log);

      MqttClient publisher = mqtt.publisher(null, null);
      Process worker = null;
      try {
        try (ChildDebugger debugger = ChildDebugger.listen(log)) {
          worker =
              WorkerProcess.start(plan, "mqtt-worker", log, null, List.of(debugger.agentOption()));
          // First half, with every tenth message published twice, while the worker runs.
          CompletableFuture<Void> firstHalf =
              CompletableFuture.runAsync(
                  () -> {
                    awaitSubscribed(publisher, kafka, "sensors-out");
                    publishRange(publisher, 0, messages / 2);
                  });
          // Held as the bridge hands its 600th message to Kafka: the kill strikes mid-stream,
          // with messages taken from the broker but not acknowledged, and more queued there.
          debugger.runUntilCall(
              "io.tributary.runtime.mqtt.MqttBridge$Callback",
              "messageArrived",
              "org.apache.kafka.clients.producer.KafkaProducer",
              "send",
              600);
          int outputAtKill = kafka.readAll("sensors-out").size();
          worker.destroyForcibly(); // SIGKILL: nothing flushed, nothing acknowledged on the way out
          assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
          assertThat(outputAtKill).as("the kill strikes mid-stream").isLessThan(600);
          firstHalf.get(2, TimeUnit.MINUTES);
        }
        // While no worker runs, the broker keeps the messages for the persistent session.
        publishRange(publisher, messages / 2, messages);
        worker = WorkerProcess.start(plan, "mqtt-worker", log);

        Set<String> expected = expectedKeys(messages);
        await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> keys(kafka.readAll("sensors-out")).keySet().containsAll(expected));
        worker.destroy(); // SIGTERM
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
      } finally {
        if (worker != null) worker.destroyForcibly();
        publisher.disconnect();
        publisher.close();
      }

      Map<String, Integer> copies = keys(kafka.readAll("sensors-out"));
      assertThat(copies.keySet()).isEqualTo(expectedKeys(messages));
      assertThat(copies.entrySet().stream().filter(e -> e.getValue() > 1).toList())
          .as("keys written to the output more than once")
          .isEmpty();
      // The duplicates did reach Kafka: the dedupe step, not luck, removed them.
      var ingest = kafka.readAll("sensors-ingest");
      assertThat(ingest.size()).isGreaterThanOrEqualTo(messages + messages / 10);
      // Keyed by the key field, so every copy of a message is in one partition.
      assertThat(ingest)
          .allSatisfy(r -> assertThat(r.key()).isEqualTo(field(r.value(), KEY)))
          .allSatisfy(
              r ->
                  assertThat(KafkaBroker.headers(r.headers()))
                      .containsEntry(MqttBridge.TOPIC_HEADER, "plant/line-1/temperature"));
    }
  }

  @Test
  void aBrokerRestartMidStreamLosesNothing() throws Exception {
    int messages = 2000;
    try (KafkaBroker kafka = KafkaBroker.start();
        Mosquitto mqtt = Mosquitto.plain(dir.resolve("mosquitto"))) {
      String plan = plan("restarted", kafka, mqtt, null, null);
      try (InProcessWorker worker = InProcessWorker.start(plan, dir.resolve("none"), "worker")) {
        try (var handle = new Closing(mqtt.publisher(null, null))) {
          awaitSubscribed(handle.client, kafka, "restarted-out");
          publishRange(handle.client, 0, messages / 2);
        }
        // At once: the bridge is usually still taking the first half when its connection drops
        // (what it had not acknowledged comes again, with what the broker queued meanwhile).
        mqtt.restart();
        try (var handle = new Closing(mqtt.publisher(null, null))) {
          // Mosquitto 2.0 restores a session's queued messages but not its shared subscription:
          // until the bridge has subscribed again, a message has no subscriber and is dropped
          // (docs/crds.md says so). Publish the second half once it has.
          awaitSubscribed(handle.client, kafka, "restarted-out", "probe-after-restart");
          publishRange(handle.client, messages / 2, messages);
        }
        Set<String> expected = expectedKeys(messages);
        expected.add("probe-after-restart");
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> keys(kafka.readAll("restarted-out")).keySet().containsAll(expected));
        assertThat(worker.exit).isNotDone();
      }
      Map<String, Integer> copies = keys(kafka.readAll("restarted-out"));
      Set<String> expected = expectedKeys(messages);
      expected.add("probe-after-restart");
      assertThat(copies.keySet()).isEqualTo(expected);
      assertThat(copies.values()).containsOnly(1);
    }
  }

  @Test
  void twoWorkersShareTheSubscriptionAndEachKeyComesOutOnce() throws Exception {
    int messages = 1000;
    try (KafkaBroker kafka = KafkaBroker.start();
        Mosquitto mqtt = Mosquitto.plain(dir.resolve("mosquitto"))) {
      kafka.createTopic("shared-ingest", 4);
      String plan = plan("shared", kafka, mqtt, null, null);
      try (InProcessWorker a = InProcessWorker.start(plan, dir.resolve("none"), "worker-a");
          InProcessWorker b = InProcessWorker.start(plan, dir.resolve("none"), "worker-b");
          var handle = new Closing(mqtt.publisher(null, null))) {
        MqttClient publisher = handle.client;
        // Probes until each worker has bridged one: both hold the shared subscription.
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(300))
            .until(
                () -> {
                  Mosquitto.publish(publisher, "plant/line-1/temperature", message("probe"));
                  return clients(kafka.readAll("shared-ingest")).size() == 2;
                });
        publishRange(publisher, 0, messages);
        Set<String> expected = expectedKeys(messages);
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> keys(kafka.readAll("shared-out")).keySet().containsAll(expected));
        assertThat(a.exit).isNotDone();
        assertThat(b.exit).isNotDone();
      }
      Map<String, Integer> copies = keys(kafka.readAll("shared-out"));
      assertThat(copies.keySet()).isEqualTo(expectedKeys(messages));
      assertThat(copies.values()).containsOnly(1);
      // Both workers bridged a share of the messages themselves, not only the probes.
      Map<String, Long> perClient =
          kafka.readAll("shared-ingest").stream()
              .filter(r -> r.value().contains("\"m-"))
              .collect(
                  Collectors.groupingBy(
                      r -> KafkaBroker.headers(r.headers()).get(MqttBridge.CLIENT_HEADER),
                      Collectors.counting()));
      assertThat(perClient.keySet())
          .containsExactlyInAnyOrder(
              "tributary-it-shared-worker-a", "tributary-it-shared-worker-b");
      assertThat(perClient.values()).allSatisfy(n -> assertThat(n).isGreaterThan(messages / 10L));
    }
  }

  private static Set<String> clients(
      List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> records) {
    return records.stream()
        .map(r -> KafkaBroker.headers(r.headers()).get(MqttBridge.CLIENT_HEADER))
        .collect(Collectors.toSet());
  }

  @Test
  void readsOverTlsWithAClientCertificateAndAPasswordFromSecrets() throws Exception {
    TestPki pki = TestPki.authority("mqtt-it");
    String password = "s3cret-\"mqtt\"";
    try (KafkaBroker kafka = KafkaBroker.start();
        Mosquitto mqtt =
            Mosquitto.secured(dir.resolve("mosquitto"), pki, "sensor-bridge", password)) {
      Path secrets = dir.resolve("secrets");
      TestPki.Issued client = pki.client("worker");
      writeSecret(secrets, "mqtt-login", "username", "sensor-bridge\n");
      writeSecret(secrets, "mqtt-login", "password", password);
      writeSecret(secrets, "mqtt-tls", "ca.crt", pki.caPem());
      writeSecret(secrets, "mqtt-tls", "tls.crt", client.certificateChainPem());
      writeSecret(secrets, "mqtt-tls", "tls.key", client.privateKeyPem());
      String security =
          ",\"usernameSecretRef\":{\"name\":\"mqtt-login\",\"key\":\"username\"},"
              + "\"passwordSecretRef\":{\"name\":\"mqtt-login\",\"key\":\"password\"},"
              + "\"tls\":{\"caSecretRef\":{\"name\":\"mqtt-tls\",\"key\":\"ca.crt\"},"
              + "\"certificateSecretRef\":{\"name\":\"mqtt-tls\",\"key\":\"tls.crt\"},"
              + "\"keySecretRef\":{\"name\":\"mqtt-tls\",\"key\":\"tls.key\"}}";
      String plan = plan("secure-sensors", kafka, mqtt, security, secrets);
      assertThat(plan).doesNotContain(password).doesNotContain("PRIVATE KEY");

      try (InProcessWorker worker = InProcessWorker.start(plan, secrets, "secure-worker");
          var publisherHandle = new Closing(mqtt.publisher("sensor-bridge", password))) {
        MqttClient publisher = publisherHandle.client;
        awaitSubscribed(publisher, kafka, "secure-sensors-out");
        publishRange(publisher, 0, 200);
        Set<String> expected = expectedKeys(200);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> keys(kafka.readAll("secure-sensors-out")).keySet().containsAll(expected));
        assertThat(worker.exit).isNotDone();
      }
      Map<String, Integer> copies = keys(kafka.readAll("secure-sensors-out"));
      assertThat(copies.keySet()).isEqualTo(expectedKeys(200));
      assertThat(copies.values()).containsOnly(1);
    }
  }

  @Test
  void aWrongPasswordStopsTheWorkerNamingTheSettingsAndNotThePassword() throws Exception {
    TestPki pki = TestPki.authority("mqtt-it-refused");
    try (KafkaBroker kafka = KafkaBroker.start();
        Mosquitto mqtt =
            Mosquitto.secured(dir.resolve("mosquitto"), pki, "sensor-bridge", "right-password")) {
      Path secrets = dir.resolve("secrets");
      TestPki.Issued client = pki.client("worker");
      writeSecret(secrets, "mqtt-login", "username", "sensor-bridge");
      writeSecret(secrets, "mqtt-login", "password", "wrong-password");
      writeSecret(secrets, "mqtt-tls", "ca.crt", pki.caPem());
      writeSecret(secrets, "mqtt-tls", "tls.crt", client.certificateChainPem());
      writeSecret(secrets, "mqtt-tls", "tls.key", client.privateKeyPem());
      String security =
          ",\"usernameSecretRef\":{\"name\":\"mqtt-login\",\"key\":\"username\"},"
              + "\"passwordSecretRef\":{\"name\":\"mqtt-login\",\"key\":\"password\"},"
              + "\"tls\":{\"caSecretRef\":{\"name\":\"mqtt-tls\",\"key\":\"ca.crt\"},"
              + "\"certificateSecretRef\":{\"name\":\"mqtt-tls\",\"key\":\"tls.crt\"},"
              + "\"keySecretRef\":{\"name\":\"mqtt-tls\",\"key\":\"tls.key\"}}";
      Path plan = dir.resolve("plan.json");
      Files.writeString(plan, plan("refused", kafka, mqtt, security, secrets));
      Path log = dir.resolve("worker.log");
      Path summary = dir.resolve("termination-log");
      Process worker = WorkerProcess.start(plan, "refused-worker", log, summary);
      try {
        assertThat(worker.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isEqualTo(ExitCodes.RETRYABLE);
      } finally {
        worker.destroyForcibly();
      }
      assertThat(Files.readString(summary))
          .contains("the MQTT broker " + mqtt.uri() + " refused the connection")
          .contains("source.mqtt")
          .doesNotContain("wrong-password");
      assertThat(Files.readString(log)).doesNotContain("wrong-password");
    }
  }

  /** The plan of an MQTT-sourced StreamJob: dedupe by msg_id first, then a derive. */
  private static String plan(
      String name, KafkaBroker kafka, Mosquitto mqtt, String mqttSecurity, Path secrets) {
    return TestPlans.compileToJson(
        "{\"planVersion\":1,\"kind\":\"StreamJob\","
            + "\"pipeline\":{\"namespace\":\"it\",\"name\":\""
            + name
            + "\",\"uid\":\"u-"
            + name
            + "\"},\"metricsPort\":0,\"commitInterval\":\"200ms\","
            + "\"source\":{\"mqtt\":{\"serverUri\":\""
            + mqtt.uri()
            + "\",\"topics\":[\"plant/+/temperature\"],\"keyField\":\""
            + KEY
            + "\""
            + (mqttSecurity == null ? "" : mqttSecurity)
            + "},\"kafka\":{\"bootstrapServers\":\""
            + kafka.bootstrapServers()
            + "\",\"topics\":[\""
            + name
            + "-ingest\"]}},"
            + "\"sink\":{\"kafka\":{\"bootstrapServers\":\""
            + kafka.bootstrapServers()
            + "\",\"topic\":\""
            + name
            + "-out\"}},"
            + "\"transforms\":[{\"dedupe\":{\"keyFields\":[\""
            + KEY
            + "\"],\"window\":\"1h\"}},"
            + "{\"derive\":{\"fields\":[{\"name\":\"temp_f\",\"expression\":\"celsius * 1.8 + 32.0\"}]}}]"
            + (secrets == null ? "" : ",\"secretsDir\":\"" + secrets + "\"")
            + "}");
  }

  /**
   * Waits until the worker's shared subscription takes messages: a probe published until it comes
   * out (its repeats are duplicates the dedupe step removes, like any other).
   */
  private static void awaitSubscribed(MqttClient publisher, KafkaBroker kafka, String output) {
    awaitSubscribed(publisher, kafka, output, "probe");
  }

  private static void awaitSubscribed(
      MqttClient publisher, KafkaBroker kafka, String output, String probe) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              Mosquitto.publish(publisher, "plant/line-1/temperature", message(probe));
              return keys(kafka.readAll(output)).containsKey(probe);
            });
  }

  private static void publishRange(MqttClient publisher, int from, int to) {
    try {
      for (int i = from; i < to; i++) {
        String json = message("m-" + i);
        Mosquitto.publish(publisher, "plant/line-1/temperature", json);
        if (i % 10 == 0) Mosquitto.publish(publisher, "plant/line-1/temperature", json);
      }
    } catch (MqttException e) {
      throw new IllegalStateException("publishing to the test broker failed", e);
    }
  }

  private static String message(String id) {
    return "{\"" + KEY + "\":\"" + id + "\",\"sensor\":\"line-1\",\"celsius\":21.5}";
  }

  private static Set<String> expectedKeys(int messages) {
    Set<String> keys =
        IntStream.range(0, messages)
            .mapToObj(i -> "m-" + i)
            .collect(Collectors.toCollection(TreeSet::new));
    keys.add("probe");
    return keys;
  }

  private static Map<String, Integer> keys(
      List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> records) {
    Map<String, Integer> copies = new HashMap<>();
    for (var r : records) copies.merge(field(r.value(), KEY), 1, Integer::sum);
    return copies;
  }

  private static String field(String json, String name) {
    return json.replaceAll(".*\"" + name + "\":\"([^\"]*)\".*", "$1");
  }

  private static void writeSecret(Path secrets, String name, String key, String value)
      throws java.io.IOException {
    Path d = Files.createDirectories(secrets.resolve(name));
    Files.writeString(d.resolve(key), value, StandardCharsets.UTF_8);
  }

  /** Disconnects a publisher at the end of a try block. */
  private record Closing(MqttClient client) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      client.disconnect();
      client.close();
    }
  }
}

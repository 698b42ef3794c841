package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sensors in, through the local cluster's Mosquitto (e2e/lib/mosquitto.sh): a StreamJob whose
 * source.mqtt names the broker by its Service (mqtt.tributary-system.svc, in the endpoint catalog
 * as DataEndpoint platform-mqtt, so the workers' egress opens to it) bridges what the test
 * publishes with QoS 1 into its ingest topic, and every message, published once or twice, comes out
 * of the output topic exactly once with the derived field.
 */
class MqttE2E {
  private static final String NS = "e2e-mqtt-" + Topics.RUN;
  private static final String FILTER = "e2e/" + Topics.RUN + "/+/temperature";
  private static final String TOPIC = "e2e/" + Topics.RUN + "/line-1/temperature";
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void setUp() throws Exception {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS);
    // The worker creates the ingest topic itself; the output topic is the platform's to make.
    Topics.create(Topics.name("e2e.temperatures"), 3);
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  @Test
  void messagesPublishedToTheBrokerLandInKafkaEachOnce() throws Exception {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: line-temperatures, namespace: %1$s}
        spec:
          source:
            mqtt:
              serverUri: tcp://mqtt.tributary-system.svc:1883
              topics: ["%4$s"]
              keyField: msg_id
            kafka: {bootstrapServers: "%2$s", topics: [e2e.temperatures.ingest.%3$s]}
          transforms:
            - dedupe: {keyFields: [msg_id], window: 10m}
            - derive:
                fields:
                  - {name: fahrenheit, expression: "celsius * 1.8 + 32.0"}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.temperatures.%3$s}
          checkpointInterval: 1s
          replicas: 1
          compute: {resources: {cpu: 300m, memory: 512Mi}}
        """
            .formatted(NS, Cluster.kafkaBootstrap(), Topics.RUN, FILTER));
    await()
        .atMost(Duration.ofMinutes(4))
        .untilAsserted(
            () ->
                assertThat(
                        Kubectl.jsonpath(
                            "streamjob",
                            NS,
                            "line-temperatures",
                            ".status.conditions[?(@.type==\"Ready\")].status"))
                    .isEqualTo("True"));

    String output = Topics.name("e2e.temperatures");
    MqttClient sensor = connect();
    try {
      // Messages sent before the worker's shared subscription exists reach nobody: probe until
      // one comes out, then the bridge is listening.
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                publish(sensor, message("probe", 20.0));
                return keys(Topics.readCommitted(output, 1, Duration.ofSeconds(3)))
                    .containsKey("probe");
              });
      // 100 readings, every tenth published twice: QoS 1 may deliver any of them twice too.
      for (int i = 0; i < 100; i++) {
        String json = message("m-" + i, i / 2.0);
        publish(sensor, json);
        if (i % 10 == 0) publish(sensor, json);
      }
    } finally {
      sensor.disconnect();
      sensor.close();
    }

    Set<String> expected =
        IntStream.range(0, 100).mapToObj(i -> "m-" + i).collect(Collectors.toSet());
    // Every probe that got through, plus the 100 readings.
    List<String> records = Topics.readCommitted(output, 101, Duration.ofMinutes(3));
    Map<String, Integer> copies = keys(records);
    assertThat(copies.keySet()).containsAll(expected);
    assertThat(copies.values()).containsOnly(1);
    for (String v : records) {
      JsonNode n = JSON.readTree(v);
      if (!n.get("msg_id").asText().startsWith("m-")) continue;
      int i = Integer.parseInt(n.get("msg_id").asText().substring(2));
      assertThat(n.get("celsius").asDouble()).isEqualTo(i / 2.0);
      assertThat(n.get("fahrenheit").asDouble()).isEqualTo(i / 2.0 * 1.8 + 32.0);
      assertThat(n.get("sensor").asText()).isEqualTo("line-1");
    }
  }

  private static MqttClient connect() throws MqttException {
    MqttClient client =
        new MqttClient(Cluster.mqttBroker(), "e2e-sensor-" + Topics.RUN, new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setCleanSession(true);
    options.setMaxInflight(1000);
    client.connect(options);
    return client;
  }

  private static void publish(MqttClient client, String json) throws MqttException {
    MqttMessage m = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    client.publish(TOPIC, m);
  }

  private static String message(String id, double celsius) {
    return "{\"msg_id\":\"%s\",\"sensor\":\"line-1\",\"celsius\":%s}".formatted(id, celsius);
  }

  /** How often each msg_id occurs in {@code records}. */
  private static Map<String, Integer> keys(List<String> records) throws Exception {
    Map<String, Integer> copies = new HashMap<>();
    for (String v : records) copies.merge(JSON.readTree(v).get("msg_id").asText(), 1, Integer::sum);
    return copies;
  }
}

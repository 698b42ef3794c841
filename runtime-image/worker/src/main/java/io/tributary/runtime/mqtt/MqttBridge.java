package io.tributary.runtime.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Bridges MQTT into the ingest topic: subscribes with QoS 1 in a persistent session, sends every
 * message to Kafka keyed by the payload's key field, and acknowledges it (PUBACK) only once Kafka
 * has acknowledged the write, in the order the messages arrived (as MQTT 3.1.1 asks).
 *
 * <p>What this guarantees: a message the broker has delivered is in the ingest topic before the
 * broker forgets it. A message can be written more than once: the broker redelivers what was not
 * acknowledged when a connection or the worker died, also what Kafka had already taken. The
 * pipeline's first step (a dedupe on the key field) drops those repeats.
 *
 * <p>A payload that is not a JSON object with the key field is still sent, without a key: the
 * stream's reader or its dedupe step dead-letters it with the reason, so nothing vanishes here.
 */
public final class MqttBridge implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MqttBridge.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long CONNECT_TIMEOUT_MS = 30_000;

  /** Header naming the MQTT topic a record came from. */
  public static final String TOPIC_HEADER = "tributary.mqtt.topic";

  /** Header naming the client (the worker) that bridged a record. */
  public static final String CLIENT_HEADER = "tributary.mqtt.client";

  private final MqttEndpoint endpoint;
  private final String ingestTopic;
  private final Producer<byte[], byte[]> producer;
  private final MqttAsyncClient client;
  private final Consumer<Throwable> onFailure;
  private final byte[] clientId;
  // Messages sent to Kafka and not yet acknowledged to the broker, in arrival order.
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final AtomicLong bridged = new AtomicLong();
  // A message of an earlier connection is not acknowledged on this one: the broker resends it.
  private long connection;
  private volatile Throwable failure;
  private volatile boolean closing;
  // The worker's MDC (pipeline namespace and name), for the log lines of Paho's threads.
  private final java.util.Map<String, String> mdc = MDC.getCopyOfContextMap();

  private static final class Pending {
    final int id;
    final int qos;
    final long connection;
    boolean done;

    Pending(int id, int qos, long connection) {
      this.id = id;
      this.qos = qos;
      this.connection = connection;
    }
  }

  private MqttBridge(
      MqttEndpoint endpoint,
      String ingestTopic,
      Producer<byte[], byte[]> producer,
      MqttAsyncClient client,
      Consumer<Throwable> onFailure) {
    this.endpoint = endpoint;
    this.ingestTopic = ingestTopic;
    this.producer = producer;
    this.client = client;
    this.onFailure = onFailure;
    this.clientId = endpoint.clientId().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Connects and subscribes; returns once the broker has accepted the connection.
   *
   * @param producerProperties the ingest producer's ({@code
   *     KafkaClientSettings.mqttIngestProducer})
   * @param onFailure told once when the bridge stops for good (Kafka refused a write); the worker
   *     then stops, and the messages not acknowledged come again to its successor
   * @throws MqttRefusal when the broker cannot be reached or refuses the connection
   */
  public static MqttBridge start(
      MqttEndpoint endpoint,
      String ingestTopic,
      Properties producerProperties,
      Consumer<Throwable> onFailure) {
    MqttAsyncClient client;
    try {
      client =
          new MqttAsyncClient(endpoint.serverUri(), endpoint.clientId(), new MemoryPersistence());
    } catch (MqttException e) {
      throw new MqttRefusal("source.mqtt: cannot create the client: " + describe(e), e);
    }
    Producer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties);
    MqttBridge bridge = new MqttBridge(endpoint, ingestTopic, producer, client, onFailure);
    try {
      bridge.connect();
    } catch (RuntimeException e) {
      bridge.close();
      throw e;
    }
    return bridge;
  }

  private void connect() {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    // A persistent session: the broker keeps the subscriptions and the messages this client has
    // not acknowledged across a reconnect or a restart of the container.
    options.setCleanSession(false);
    options.setAutomaticReconnect(true);
    options.setMaxReconnectDelay(5_000);
    options.setConnectionTimeout((int) (CONNECT_TIMEOUT_MS / 1000));
    if (endpoint.username() != null) options.setUserName(endpoint.username());
    if (endpoint.password() != null) options.setPassword(endpoint.password().toCharArray());
    if (endpoint.socketFactory() != null) {
      options.setSocketFactory(endpoint.socketFactory());
      options.setHttpsHostnameVerificationEnabled(true);
    }
    client.setManualAcks(true);
    client.setCallback(new Callback());
    try {
      client.connect(options).waitForCompletion(CONNECT_TIMEOUT_MS);
    } catch (MqttException e) {
      throw new MqttRefusal(
          "the MQTT broker "
              + endpoint.serverUri()
              + " refused the connection: "
              + describe(e)
              + "; check source.mqtt (serverUri, tls, usernameSecretRef, passwordSecretRef)",
          e);
    }
  }

  private final class Callback implements MqttCallbackExtended {
    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      if (mdc != null) MDC.setContextMap(mdc);
      LOG.info(
          "MQTT {} to {} as {}; subscribing to {} with QoS 1",
          reconnect ? "reconnected" : "connected",
          serverUri,
          endpoint.clientId(),
          endpoint.subscriptions());
      String[] filters = endpoint.subscriptions().toArray(new String[0]);
      int[] qos = new int[filters.length];
      Arrays.fill(qos, 1);
      try {
        client.subscribe(filters, qos, null, new SubscribeListener());
      } catch (MqttException e) {
        fail(
            new MqttRefusal(
                "cannot subscribe to " + endpoint.subscriptions() + ": " + describe(e), e));
      }
    }

    @Override
    public void connectionLost(Throwable cause) {
      if (mdc != null) MDC.setContextMap(mdc);
      synchronized (MqttBridge.this) {
        // The broker resends what this connection did not acknowledge. Counted here, not when
        // the next connection completes: a persistent session's queued messages may arrive
        // before that callback, and they belong to the new connection.
        connection++;
        pending.clear();
      }
      if (!closing) LOG.warn("MQTT connection lost ({}); reconnecting", String.valueOf(cause));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      if (failure != null || closing) return; // not acknowledged: the broker resends it
      byte[] payload = message.getPayload();
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(ingestTopic, key(payload, endpoint.keyField()), payload);
      record.headers().add(TOPIC_HEADER, topic.getBytes(StandardCharsets.UTF_8));
      record.headers().add(CLIENT_HEADER, clientId);
      Pending p = null;
      if (message.getQos() > 0) {
        synchronized (MqttBridge.this) {
          p = new Pending(message.getId(), message.getQos(), connection);
          pending.add(p);
        }
      }
      Pending sent = p;
      producer.send(record, (metadata, e) -> written(sent, e));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // The bridge publishes nothing.
    }
  }

  private final class SubscribeListener implements IMqttActionListener {
    @Override
    public void onSuccess(IMqttToken token) {
      int[] granted = token.getGrantedQos();
      for (int i = 0; granted != null && i < granted.length; i++) {
        if (granted[i] == MqttException.REASON_CODE_SUBSCRIBE_FAILED) {
          refused();
          return;
        }
      }
    }

    @Override
    public void onFailure(IMqttToken token, Throwable e) {
      if (e instanceof MqttException m
          && m.getReasonCode() == MqttException.REASON_CODE_SUBSCRIBE_FAILED) {
        refused();
      } else if (!closing) {
        // The connection went while subscribing: the next connection subscribes again.
        LOG.warn("MQTT subscribe failed ({}); retried on reconnect", String.valueOf(e));
      }
    }

    private void refused() {
      fail(
          new MqttRefusal(
              "the MQTT broker refused the subscription to "
                  + endpoint.subscriptions()
                  + " (not authorized, or no shared subscriptions); check the broker's ACL for"
                  + " this user and source.mqtt.topics",
              null));
    }
  }

  /** Kafka took (or refused) a message: acknowledge every message at the head that is written. */
  private void written(Pending p, Exception e) {
    if (e != null) {
      fail(
          new IllegalStateException(
              "the MQTT bridge cannot write to the ingest topic "
                  + ingestTopic
                  + ": "
                  + e.getMessage(),
              e));
      return;
    }
    bridged.incrementAndGet();
    if (p == null) return;
    synchronized (this) {
      p.done = true;
      while (!pending.isEmpty() && pending.peek().done && failure == null) {
        Pending head = pending.poll();
        if (head.connection != connection) continue;
        try {
          client.messageArrivedComplete(head.id, head.qos);
        } catch (MqttException ex) {
          // The connection is going: the broker resends the message on the next one.
          LOG.debug("cannot acknowledge MQTT message {}: {}", head.id, ex.toString());
        }
      }
    }
  }

  private void fail(Throwable e) {
    synchronized (this) {
      if (failure != null) return;
      failure = e;
      pending.clear();
    }
    LOG.error("MQTT bridge stops: {}", e.toString());
    onFailure.accept(e);
  }

  /** The Kafka key: the key field's text (a string without its quotes), or null without one. */
  static byte[] key(byte[] payload, String keyField) {
    try {
      JsonNode node = JSON.readTree(payload);
      JsonNode v = node == null || !node.isObject() ? null : node.get(keyField);
      if (v == null || v.isNull() || v.isContainerNode()) return null;
      return (v.isTextual() ? v.asText() : v.toString()).getBytes(StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** Why the bridge stopped, or null while it runs. */
  public Throwable failure() {
    return failure;
  }

  /** Messages written to the ingest topic so far. */
  public long bridged() {
    return bridged.get();
  }

  /**
   * Stops taking messages, lets Kafka acknowledge what was sent (so those messages are acknowledged
   * to the broker too), and disconnects, leaving the session on the broker.
   */
  @Override
  public void close() {
    closing = true;
    try {
      producer.flush();
    } catch (RuntimeException e) {
      LOG.debug("ingest flush on close: {}", e.toString());
    }
    try {
      if (client.isConnected()) client.disconnect(2_000).waitForCompletion(5_000);
    } catch (MqttException e) {
      LOG.debug("MQTT disconnect: {}", e.toString());
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      LOG.debug("MQTT close: {}", e.toString());
    }
    producer.close(Duration.ofSeconds(5));
  }

  static String describe(MqttException e) {
    String reason = Optional.ofNullable(e.getMessage()).orElse("unknown");
    Throwable cause = e.getCause();
    return cause == null
        ? reason + " (reason code " + e.getReasonCode() + ")"
        : reason + " (" + cause.getMessage() + ")";
  }

  /** The broker cannot be reached, refused the connection or a subscription. */
  public static final class MqttRefusal extends RuntimeException {
    MqttRefusal(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

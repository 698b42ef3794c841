package io.tributary.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The Kafka client properties of every client Tributary opens, one method per role, with the
 * security settings (protocol, TLS trust and client certificate, SASL) applied in one place ({@link
 * #security}) from the {@link KafkaEndpoint} the spec describes. Property names are plain strings
 * so this module needs no Kafka client; callers pass the map to {@code new KafkaConsumer<>(...)}
 * and friends (see {@link #properties}).
 */
public final class KafkaClientSettings {
  /**
   * A stream worker that dies with an open transaction blocks read_committed readers of its
   * partitions until this expires, unless it restarts with the same id first.
   */
  public static final int STREAM_TRANSACTION_TIMEOUT_MS = 30_000;

  /** A batch run is one transaction; 15 minutes is the broker's default maximum. */
  public static final int BATCH_TRANSACTION_TIMEOUT_MS = 900_000;

  private static final String BYTES_IN =
      "org.apache.kafka.common.serialization.ByteArrayDeserializer";
  private static final String BYTES_OUT =
      "org.apache.kafka.common.serialization.ByteArraySerializer";
  private static final String TEXT_IN = "org.apache.kafka.common.serialization.StringDeserializer";
  private static final String TEXT_OUT = "org.apache.kafka.common.serialization.StringSerializer";
  private static final String CLOUD_EVENT_OUT = "io.cloudevents.kafka.CloudEventSerializer";

  /** How long an event producer tries one event (metadata, send and acknowledgement). */
  public static final int EVENT_DELIVERY_TIMEOUT_MS = 10_000;

  private static final String COOPERATIVE_STICKY =
      "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";

  private KafkaClientSettings() {}

  /**
   * The stream worker's group consumer: manual commits (offsets go into the transaction or are
   * committed after a flush), never output of aborted transactions, cooperative rebalancing.
   *
   * @param startingOffsets {@code earliest} or {@code latest}
   */
  public static Map<String, String> streamConsumer(
      KafkaEndpoint source, String group, String clientId, String startingOffsets) {
    Map<String, String> p = committedReader(source, BYTES_IN, BYTES_IN);
    p.put("group.id", group);
    p.put("client.id", clientId);
    p.put("auto.offset.reset", startingOffsets);
    p.put("partition.assignment.strategy", COOPERATIVE_STICKY);
    // A killed worker's partitions move after this long; short enough for a pod restart.
    p.put("session.timeout.ms", "10000");
    p.put("heartbeat.interval.ms", "3000");
    return done(p);
  }

  /** A plain reader (no group) restoring stream state from the changelog topic. */
  public static Map<String, String> stateRestoreReader(KafkaEndpoint output, String clientId) {
    Map<String, String> p = committedReader(output, BYTES_IN, BYTES_IN);
    p.put("client.id", clientId);
    return done(p);
  }

  /**
   * The stream worker's producer of output, dead letters and state changes.
   *
   * @param transactionalId the id for exactly-once; null for at-least-once
   */
  public static Map<String, String> streamProducer(
      KafkaEndpoint output, String clientId, String transactionalId) {
    Map<String, String> p = acknowledgedWriter(output, BYTES_OUT);
    p.put("client.id", clientId);
    p.put("enable.idempotence", "true");
    p.put("linger.ms", "5");
    p.put("batch.size", String.valueOf(128 * 1024));
    if (transactionalId != null) {
      p.put("transactional.id", transactionalId);
      p.put("transaction.timeout.ms", String.valueOf(STREAM_TRANSACTION_TIMEOUT_MS));
    }
    return done(p);
  }

  /**
   * The MQTT bridge's producer into the ingest topic: idempotent (a retry inside the producer adds
   * no copy) and acknowledged by every in-sync replica before the MQTT message is acknowledged.
   */
  public static Map<String, String> mqttIngestProducer(KafkaEndpoint source, String clientId) {
    Map<String, String> p = acknowledgedWriter(source, BYTES_OUT);
    p.put("client.id", clientId);
    p.put("enable.idempotence", "true");
    p.put("linger.ms", "5");
    return done(p);
  }

  /**
   * A consumer that sees only committed transactions and never commits on its own: every reader of
   * ours commits offsets explicitly (in the transaction, or after the sink committed), or not at
   * all.
   */
  private static Map<String, String> committedReader(
      KafkaEndpoint cluster, String keyDeserializer, String valueDeserializer) {
    Map<String, String> p = base(cluster);
    p.put("key.deserializer", keyDeserializer);
    p.put("value.deserializer", valueDeserializer);
    p.put("enable.auto.commit", "false");
    p.put("isolation.level", "read_committed");
    return p;
  }

  /** A producer whose writes every in-sync replica has acknowledged. */
  private static Map<String, String> acknowledgedWriter(KafkaEndpoint cluster, String serializer) {
    Map<String, String> p = base(cluster);
    p.put("key.serializer", serializer);
    p.put("value.serializer", serializer);
    p.put("acks", "all");
    return p;
  }

  /** An admin client of a worker (creating missing topics). */
  public static Map<String, String> admin(KafkaEndpoint cluster) {
    return done(base(cluster));
  }

  /**
   * A batch run's bounded reader: committed offsets of the group up to the end offsets seen at
   * start, read_committed, committed by the run.
   */
  public static Map<String, String> batchReader(
      KafkaEndpoint source, String group, String startingOffsets) {
    Map<String, String> p = committedReader(source, TEXT_IN, TEXT_IN);
    p.put("group.id", group);
    p.put("auto.offset.reset", startingOffsets);
    return done(p);
  }

  /** A batch run's Kafka sink: the whole run in one transaction. */
  public static Map<String, String> batchWriter(KafkaEndpoint sink, String transactionalId) {
    Map<String, String> p = acknowledgedWriter(sink, TEXT_OUT);
    p.put("transactional.id", transactionalId);
    p.put("transaction.timeout.ms", String.valueOf(BATCH_TRANSACTION_TIMEOUT_MS));
    p.put("linger.ms", "20");
    return done(p);
  }

  /** A batch run's dead-letter producer (on the sink's or the source's cluster). */
  public static Map<String, String> deadLetterProducer(KafkaEndpoint cluster) {
    Map<String, String> p = acknowledgedWriter(cluster, TEXT_OUT);
    p.put("enable.idempotence", "true");
    return done(p);
  }

  /** The consent step's reader of a compacted consent topic (no group; read from the start). */
  public static Map<String, String> consentReader(KafkaEndpoint cluster, String topic) {
    Map<String, String> p = committedReader(cluster, TEXT_IN, BYTES_IN);
    p.put("client.id", "tributary-consent-" + topic);
    return done(p);
  }

  /** The producer of OpenLineage events for lineage transport {@code kafka}. */
  public static Map<String, String> lineageProducer(KafkaEndpoint cluster) {
    Map<String, String> p = base(cluster);
    p.put("key.serializer", TEXT_OUT);
    p.put("value.serializer", TEXT_OUT);
    p.put("acks", "all");
    return done(p);
  }

  /**
   * The producer of run and rollout CloudEvents (docs/events.md): values are structured-mode JSON
   * CloudEvents written by the CloudEvents SDK's serializer, keys the event source. Every replica
   * acknowledges, and a broker that cannot be reached gives up within {@link
   * #EVENT_DELIVERY_TIMEOUT_MS}: events are reporting, and neither a run's end nor the operator's
   * shutdown may wait on them for long.
   */
  public static Map<String, String> eventProducer(KafkaEndpoint cluster, String clientId) {
    Map<String, String> p = base(cluster);
    p.put("client.id", clientId);
    p.put("key.serializer", TEXT_OUT);
    p.put("value.serializer", CLOUD_EVENT_OUT);
    p.put("cloudevents.serializer.encoding", "STRUCTURED");
    p.put("cloudevents.serializer.event_format", "application/cloudevents+json");
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("max.block.ms", String.valueOf(EVENT_DELIVERY_TIMEOUT_MS));
    p.put("request.timeout.ms", String.valueOf(EVENT_DELIVERY_TIMEOUT_MS / 2));
    p.put("delivery.timeout.ms", String.valueOf(EVENT_DELIVERY_TIMEOUT_MS));
    p.put("linger.ms", "0");
    return done(p);
  }

  /**
   * The operator's admin client reading consumer-group lag; short timeouts keep reconciles short.
   */
  public static Map<String, String> lagReader(KafkaEndpoint source) {
    Map<String, String> p = base(source);
    p.put("client.id", "tributary-operator-lag");
    p.put("request.timeout.ms", "10000");
    p.put("default.api.timeout.ms", "15000");
    return done(p);
  }

  /**
   * The security settings of a cluster, the same for every role: {@code security.protocol}; with a
   * CA, a PEM trust store holding it (else the JVM's); with a client certificate, a PEM key store
   * holding the chain and the key (mutual TLS); with SASL, the mechanism and the JAAS line. The
   * values go in as Kafka's password-type settings, which Kafka never logs. A cluster without
   * settings gets none (PLAINTEXT).
   */
  public static Map<String, String> security(KafkaEndpoint cluster) {
    Map<String, String> p = new LinkedHashMap<>();
    if (cluster.protocol() != null) {
      p.put("security.protocol", cluster.protocol().name());
    }
    KafkaEndpoint.Tls tls = cluster.tls();
    if (tls != null && tls.trustedCertificates() != null) {
      p.put("ssl.truststore.type", "PEM");
      p.put("ssl.truststore.certificates", tls.trustedCertificates());
    }
    if (tls != null && tls.certificateChain() != null) {
      p.put("ssl.keystore.type", "PEM");
      p.put("ssl.keystore.certificate.chain", tls.certificateChain());
      p.put("ssl.keystore.key", tls.privateKey());
    }
    if (cluster.sasl() != null) {
      p.put("sasl.mechanism", cluster.sasl().mechanism());
      p.put("sasl.jaas.config", cluster.sasl().jaasConfig());
    }
    return done(p);
  }

  /**
   * The SASL mechanism implied by a JAAS login module: {@code ScramLoginModule} → SCRAM-SHA-512,
   * {@code OAuthBearerLoginModule} → OAUTHBEARER, anything else (PlainLoginModule) → PLAIN.
   */
  public static String saslMechanism(String jaas) {
    if (jaas.contains("ScramLoginModule")) {
      return "SCRAM-SHA-512";
    }
    if (jaas.contains("OAuthBearerLoginModule")) {
      return "OAUTHBEARER";
    }
    return "PLAIN";
  }

  /** The settings as {@link Properties}, which every Kafka client constructor accepts. */
  public static Properties properties(Map<String, String> settings) {
    Properties p = new Properties();
    p.putAll(settings);
    return p;
  }

  private static Map<String, String> base(KafkaEndpoint cluster) {
    if (cluster == null || cluster.bootstrapServers() == null) {
      throw new IllegalArgumentException("a Kafka client needs bootstrap servers");
    }
    Map<String, String> p = new LinkedHashMap<>();
    p.put("bootstrap.servers", cluster.bootstrapServers());
    p.putAll(security(cluster));
    return p;
  }

  private static Map<String, String> done(Map<String, String> p) {
    return Collections.unmodifiableMap(p);
  }
}

package io.tributary.runtime.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.awaitility.Awaitility;

/**
 * A real single-node KRaft Kafka broker (combined broker + controller) in this JVM, on free
 * loopback ports, with a throw-away log directory. Settings make transactions work on one node.
 *
 * <p>{@link #startSecured} adds two listeners beside the plaintext one (which the test helpers
 * below keep using): {@code SSL} requiring a client certificate signed by the given CA (mutual
 * TLS), and {@code SASL_SSL} accepting PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 for user {@link
 * #USER}. Both present a broker certificate for 127.0.0.1 issued by that CA.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.start()) {
 *   kafka.createTopic("in", 3);
 *   kafka.produce("in", "k", "{\"a\":1}");
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {
  /** The SASL user of a secured broker, for every mechanism. */
  public static final String USER = "tributaryit";

  /** {@link #USER}'s password for SCRAM-SHA-256 and SCRAM-SHA-512. */
  public static final String SCRAM_PASSWORD = "scram-pw-\"quoted\"\\end";

  /** {@link #USER}'s password for PLAIN. */
  public static final String PLAIN_PASSWORD = "plain-pw";

  private final Path dir;
  private final KafkaRaftServer server;
  private final int port;
  private final int sslPort;
  private final int saslSslPort;

  private KafkaBroker(Path dir, KafkaRaftServer server, int port, int sslPort, int saslSslPort) {
    this.dir = dir;
    this.server = server;
    this.port = port;
    this.sslPort = sslPort;
    this.saslSslPort = saslSslPort;
  }

  public static KafkaBroker start() throws IOException {
    return start(null);
  }

  /**
   * A broker with an mTLS listener ({@link #sslBootstrapServers}) and a SASL_SSL listener ({@link
   * #saslSslBootstrapServers}) whose certificates {@code ca} issued.
   */
  public static KafkaBroker startSecured(TestPki ca) throws IOException {
    return start(ca);
  }

  private static KafkaBroker start(TestPki ca) throws IOException {
    int port = freePort();
    int controllerPort = freePort();
    int sslPort = ca == null ? -1 : freePort();
    int saslSslPort = ca == null ? -1 : freePort();
    Path dir = Files.createTempDirectory("kafka-it-");
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir.resolve("logs").toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    // One node: internal topics cannot have more replicas than one, or transactions hang.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "3");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.backoff.ms", "1000");
    if (ca != null) {
      secure(p, ca, port, sslPort, saslSslPort, controllerPort);
    }
    Path config = dir.resolve("server.properties");
    try (var out = Files.newOutputStream(config)) {
      p.store(out, "test broker");
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    int rc =
        StorageTool.execute(
            new String[] {
              "format",
              "-t",
              Uuid.randomUuid().toString(),
              "-c",
              config.toString(),
              "--ignore-formatted"
            },
            new PrintStream(log, true, StandardCharsets.UTF_8));
    if (rc != 0) {
      throw new IllegalStateException("kafka storage format failed: " + log);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p), Time.SYSTEM);
    server.startup();
    KafkaBroker broker = new KafkaBroker(dir, server, port, sslPort, saslSslPort);
    broker.awaitReady();
    if (ca != null) broker.addScramUser();
    return broker;
  }

  /**
   * {@link #USER} with {@link #SCRAM_PASSWORD} for both SCRAM mechanisms, through the admin API
   * (any password, quotes included), waiting until the broker describes both.
   */
  private void addScramUser() {
    try (Admin admin = admin()) {
      // One request per credential: the broker refuses two changes of one user in a request.
      for (ScramMechanism mechanism :
          List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
        admin
            .alterUserScramCredentials(
                List.of(
                    new UserScramCredentialUpsertion(
                        USER, new ScramCredentialInfo(mechanism, 4096), SCRAM_PASSWORD)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      Awaitility.await("SCRAM credentials of " + USER)
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () ->
                  admin
                          .describeUserScramCredentials(List.of(USER))
                          .all()
                          .get(10, TimeUnit.SECONDS)
                          .get(USER)
                          .credentialInfos()
                          .size()
                      == 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot add the SCRAM user", e);
    }
  }

  private static void secure(
      Properties p, TestPki ca, int port, int sslPort, int saslSslPort, int controllerPort) {
    TestPki.Issued cert = ca.server("kafka-it-broker");
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + port
            + ",SSL://127.0.0.1:"
            + sslPort
            + ",SASL_SSL://127.0.0.1:"
            + saslSslPort
            + ",CONTROLLER://127.0.0.1:"
            + controllerPort);
    p.put(
        "advertised.listeners",
        "PLAINTEXT://127.0.0.1:"
            + port
            + ",SSL://127.0.0.1:"
            + sslPort
            + ",SASL_SSL://127.0.0.1:"
            + saslSslPort);
    p.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
    p.put("ssl.keystore.type", "PEM");
    p.put("ssl.keystore.certificate.chain", cert.certificateChainPem());
    p.put("ssl.keystore.key", cert.privateKeyPem());
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.certificates", ca.caPem());
    // Mutual TLS on the SSL listener only; SASL_SSL clients authenticate with SASL.
    p.put("listener.name.ssl.ssl.client.auth", "required");
    p.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
    p.put(
        "listener.name.sasl_ssl.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
            + USER
            + "=\""
            + PLAIN_PASSWORD
            + "\";");
    for (String mechanism : List.of("scram-sha-256", "scram-sha-512")) {
      p.put(
          "listener.name.sasl_ssl." + mechanism + ".sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Admin admin = admin()) {
        admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("broker did not start", e);
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The plaintext listener, which the helpers of this class use. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The mutual-TLS listener of a {@link #startSecured} broker. */
  public String sslBootstrapServers() {
    if (sslPort < 0) throw new IllegalStateException("not a secured broker: use startSecured");
    return "127.0.0.1:" + sslPort;
  }

  /** The SASL_SSL listener (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) of a {@link #startSecured} one. */
  public String saslSslBootstrapServers() {
    if (saslSslPort < 0) throw new IllegalStateException("not a secured broker: use startSecured");
    return "127.0.0.1:" + saslSslPort;
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  public void createCompactedTopic(String name, int partitions) {
    createTopic(
        name,
        partitions,
        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
  }

  /** A topic with these topic configs, e.g. a small {@code max.message.bytes}. */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + name, e);
    }
  }

  /** An idempotent string producer; the caller closes it. */
  public KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /** Sends one record and waits for the ack. */
  public void produce(String topic, String key, String value) {
    try (KafkaProducer<String, String> producer = producer()) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every committed record of {@code topic} up to its current end (read_committed), in partition
   * and offset order.
   */
  public List<ConsumerRecord<String, String>> readAll(String topic) {
    return readAll(topic, new StringDeserializer());
  }

  /** As {@link #readAll(String)}, as bytes with headers: for values that are not valid text. */
  public List<ConsumerRecord<byte[], byte[]>> readAllBytes(String topic) {
    return readAll(topic, new ByteArrayDeserializer());
  }

  private <T> List<ConsumerRecord<T, T>> readAll(String topic, Deserializer<T> values) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<T, T>> out = new ArrayList<>();
    try (KafkaConsumer<T, T> c = new KafkaConsumer<>(p, values, values)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    out.sort(
        Comparator.<ConsumerRecord<T, T>>comparingInt(ConsumerRecord::partition)
            .thenComparingLong(ConsumerRecord::offset));
    return out;
  }

  /** A byte consumer for tests that read headers. */
  public KafkaConsumer<byte[], byte[]> rawConsumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }

  /** A record's headers as text, the last value of a key winning. */
  public static java.util.Map<String, String> headers(
      org.apache.kafka.common.header.Headers headers) {
    java.util.Map<String, String> h = new java.util.HashMap<>();
    for (org.apache.kafka.common.header.Header header : headers) {
      h.put(
          header.key(),
          header.value() == null
              ? null
              : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return h;
  }
}

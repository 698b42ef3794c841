package io.tributary.runtime.testing;

import io.tributary.runtime.mqtt.PemTls;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A private Mosquitto broker for integration tests: {@code /usr/sbin/mosquitto -c <generated conf>}
 * on a free loopback port, its configuration, password file and certificates in a directory of the
 * test's. Plain (anonymous, tcp://) or secured (TLS with a client certificate required, and a user
 * name and password). The caller closes it.
 */
public final class Mosquitto implements AutoCloseable {
  /** Where the Debian package {@code mosquitto} installs the broker. */
  public static final String BINARY = "/usr/sbin/mosquitto";

  private Process process;
  private final Path dir;
  private final int port;
  private final boolean tls;
  private final TestPki pki;

  private Mosquitto(Process process, Path dir, int port, TestPki pki) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.tls = pki != null;
    this.pki = pki;
  }

  /** Anonymous clients over plain TCP. */
  public static Mosquitto plain(Path dir) throws IOException {
    return launch(dir, List.of("allow_anonymous true"), null);
  }

  /**
   * TLS with a server certificate from {@code pki}, a client certificate from the same CA required,
   * and only {@code user} with {@code password} let in.
   */
  public static Mosquitto secured(Path dir, TestPki pki, String user, String password)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path passwords = dir.resolve("passwords");
    Process p =
        new ProcessBuilder("mosquitto_passwd", "-c", "-b", passwords.toString(), user, password)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("mosquitto_passwd failed");
    }
    TestPki.Issued server = pki.server("localhost");
    Path ca = write(dir.resolve("ca.crt"), pki.caPem());
    Path cert = write(dir.resolve("server.crt"), server.certificateChainPem());
    Path key = write(dir.resolve("server.key"), server.privateKeyPem());
    return launch(
        dir,
        List.of(
            "allow_anonymous false",
            "password_file " + passwords,
            "cafile " + ca,
            "certfile " + cert,
            "keyfile " + key,
            "require_certificate true",
            "tls_version tlsv1.2"),
        pki);
  }

  private static Path write(Path file, String text) throws IOException {
    return Files.writeString(file, text);
  }

  private static Mosquitto launch(Path dir, List<String> listenerLines, TestPki pki)
      throws IOException {
    Files.createDirectories(dir);
    int port = Postgres.freePort();
    List<String> conf = new ArrayList<>();
    // As root the broker would switch to user mosquitto, who cannot read the test's files.
    conf.add("user root");
    // Sessions, their subscriptions and queued messages survive a restart of the broker.
    conf.add("persistence true");
    conf.add("persistence_location " + dir + "/");
    conf.add("log_dest stdout");
    conf.add("log_type error");
    conf.add("log_type warning");
    conf.add("log_type notice");
    // A worker that is down gets every message it missed: queue them without limit (the default,
    // 1000, drops the rest; docs/crds.md tells operators of real brokers the same).
    conf.add("max_queued_messages 0");
    conf.add("per_listener_settings false");
    conf.add("listener " + port + " 127.0.0.1");
    conf.addAll(listenerLines);
    Path file = dir.resolve("mosquitto.conf");
    Files.write(file, conf, StandardCharsets.UTF_8);
    return new Mosquitto(run(dir, port), dir, port, pki);
  }

  /**
   * Stops the broker (SIGTERM: it saves its sessions) and starts it again on the same port: every
   * client's connection drops, and persistent sessions come back with their queued messages.
   */
  public void restart() throws IOException {
    close();
    process = run(dir, port);
  }

  private static Process run(Path dir, int port) throws IOException {
    Path file = dir.resolve("mosquitto.conf");
    Process p;
    try {
      p =
          new ProcessBuilder(BINARY, "-c", file.toString())
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start " + BINARY + " (apt-get install -y mosquitto): " + e.getMessage(), e);
    }
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!listening(port)) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "mosquitto exited with "
                + p.exitValue()
                + ": "
                + Files.readString(dir.resolve("mosquitto.log")));
      }
      if (Instant.now().isAfter(deadline)) {
        p.destroyForcibly();
        throw new IllegalStateException("mosquitto did not listen within 30s");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    return p;
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The address a client uses: tcp://127.0.0.1:port, or ssl://localhost:port when secured. */
  public String uri() {
    return tls ? "ssl://localhost:" + port : "tcp://127.0.0.1:" + port;
  }

  /**
   * A connected publisher (clean session); with a secured broker it shows a client certificate of
   * the CA and logs in as {@code user}.
   */
  public MqttClient publisher(String user, String password) throws MqttException {
    MqttClient client =
        new MqttClient(uri(), "publisher-" + System.nanoTime(), new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setCleanSession(true);
    options.setMaxInflight(1000);
    if (user != null) options.setUserName(user);
    if (password != null) options.setPassword(password.toCharArray());
    if (tls) {
      TestPki.Issued me = pki.client("publisher");
      options.setSocketFactory(
          PemTls.socketFactory(pki.caPem(), me.certificateChainPem(), me.privateKeyPem()));
    }
    client.connect(options);
    return client;
  }

  /** Publishes {@code json} with QoS 1 and returns once the broker has acknowledged it. */
  public static void publish(MqttClient client, String topic, String json) throws MqttException {
    MqttMessage m = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    client.publish(topic, m);
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

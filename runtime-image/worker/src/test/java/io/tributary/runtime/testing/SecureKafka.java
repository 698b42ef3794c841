package io.tributary.runtime.testing;

import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.kafka.KafkaSasl;
import io.tributary.pipeline.kafka.KafkaSecurity;
import io.tributary.pipeline.kafka.KafkaTls;
import io.tributary.pipeline.plan.PlanJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The ways a pipeline reaches a {@link KafkaBroker#startSecured secured broker}, each as the spec's
 * {@code security} block plus the Secret files the operator would mount: {@code
 * <secretsDir>/<secret>/<key>}.
 */
public final class SecureKafka {
  public static final SecretKeyRef CA = new SecretKeyRef("kafka-ca", "ca.crt");
  public static final SecretKeyRef CERT = new SecretKeyRef("kafka-client", "tls.crt");
  public static final SecretKeyRef KEY = new SecretKeyRef("kafka-client", "tls.key");
  public static final SecretKeyRef USER = new SecretKeyRef("kafka-user", "username");
  public static final SecretKeyRef SCRAM_PASSWORD = new SecretKeyRef("kafka-user", "password");
  public static final SecretKeyRef PLAIN_PASSWORD =
      new SecretKeyRef("kafka-user", "plain-password");

  /** How the client authenticates. */
  public enum Mode {
    /** SSL listener: TLS with a client certificate. */
    MUTUAL_TLS,
    SCRAM_SHA_512,
    SCRAM_SHA_256,
    PLAIN
  }

  private final KafkaBroker broker;
  private final TestPki ca;

  public SecureKafka(KafkaBroker broker, TestPki ca) {
    this.broker = broker;
    this.ca = ca;
  }

  /**
   * Writes every Secret file the modes reference into {@code secretsDir}: the CA, a client
   * certificate and key, the user name and both passwords. Values end with a newline, as {@code
   * kubectl create secret --from-file} leaves them.
   */
  public void writeSecrets(Path secretsDir) {
    TestPki.Issued client = ca.client("tributary-it-client");
    write(secretsDir, CA, ca.caPem());
    write(secretsDir, CERT, client.certificateChainPem());
    write(secretsDir, KEY, client.privateKeyPem());
    write(secretsDir, USER, KafkaBroker.USER + "\n");
    write(secretsDir, SCRAM_PASSWORD, KafkaBroker.SCRAM_PASSWORD + "\n");
    write(secretsDir, PLAIN_PASSWORD, KafkaBroker.PLAIN_PASSWORD + "\n");
  }

  /** The listener a mode connects to. */
  public String bootstrapServers(Mode mode) {
    return mode == Mode.MUTUAL_TLS
        ? broker.sslBootstrapServers()
        : broker.saslSslBootstrapServers();
  }

  /** The spec's security block for a mode, trusting the test CA. */
  public static KafkaSecurity security(Mode mode) {
    return switch (mode) {
      case MUTUAL_TLS -> KafkaSecurity.ssl(KafkaTls.mutual(CA, CERT, KEY));
      case SCRAM_SHA_512 -> sasl(KafkaSecurity.Mechanism.SCRAM_SHA_512, SCRAM_PASSWORD);
      case SCRAM_SHA_256 -> sasl(KafkaSecurity.Mechanism.SCRAM_SHA_256, SCRAM_PASSWORD);
      case PLAIN -> sasl(KafkaSecurity.Mechanism.PLAIN, PLAIN_PASSWORD);
    };
  }

  /** SASL_SSL trusting the test CA, with {@code mechanism} and the password in {@code password}. */
  public static KafkaSecurity sasl(KafkaSecurity.Mechanism mechanism, SecretKeyRef password) {
    return KafkaSecurity.saslSsl(KafkaTls.trusting(CA), new KafkaSasl(mechanism, USER, password));
  }

  /** The security block as plan JSON, for tests that write plans as text. */
  public static String json(KafkaSecurity security) {
    try {
      return PlanJson.mapper().writeValueAsString(security);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes one Secret file. */
  public static void write(Path secretsDir, SecretKeyRef ref, String value) {
    try {
      Path file = secretsDir.resolve(ref.name()).resolve(ref.key());
      Files.createDirectories(file.getParent());
      Files.writeString(file, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

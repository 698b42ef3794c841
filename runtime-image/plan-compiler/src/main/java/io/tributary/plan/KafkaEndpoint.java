package io.tributary.plan;

import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.kafka.KafkaSasl;
import io.tributary.pipeline.kafka.KafkaSecurity;
import io.tributary.pipeline.kafka.KafkaSecurity.Protocol;
import io.tributary.pipeline.kafka.KafkaTls;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.transform.ConsentTransform;

/**
 * A Kafka cluster as a client reaches it: the bootstrap servers, the protocol, and the TLS and SASL
 * material read from the Secret keys the spec references. The worker reads the values from the
 * mounted files, the operator from the Kubernetes Secret (both through a {@link SecretReader}), so
 * both hold them in memory only; {@link KafkaClientSettings} turns them into client properties.
 * {@link #toString()} never shows a value.
 *
 * @param bootstrapServers host:port[,host:port]
 * @param protocol Kafka's security.protocol; null for a cluster the spec says nothing about
 *     (PLAINTEXT, Kafka's default)
 * @param tls the trusted CA and client certificate, or null for the JVM trust store and no client
 *     certificate
 * @param sasl the mechanism and JAAS line, or null without SASL
 */
public record KafkaEndpoint(String bootstrapServers, Protocol protocol, Tls tls, Sasl sasl) {

  /**
   * PEM texts for TLS, each null when not set.
   *
   * @param trustedCertificates the CA bundle that signed the brokers' certificates
   * @param certificateChain the client certificate chain, for mutual TLS
   * @param privateKey the client's PKCS#8 private key, for mutual TLS
   */
  public record Tls(String trustedCertificates, String certificateChain, String privateKey) {
    @Override
    public String toString() {
      return "Tls[ca="
          + (trustedCertificates != null)
          + ", clientCertificate="
          + (certificateChain != null)
          + "]";
    }
  }

  /**
   * SASL settings.
   *
   * @param mechanism Kafka's sasl.mechanism
   * @param jaasConfig Kafka's sasl.jaas.config, credentials included
   */
  public record Sasl(String mechanism, String jaasConfig) {
    @Override
    public String toString() {
      return "Sasl[mechanism=" + mechanism + "]";
    }
  }

  /**
   * Reads a referenced Secret key as text ({@link SecretText}); called only for references that are
   * set.
   */
  @FunctionalInterface
  public interface SecretReader {
    /**
     * @param field where the spec references the key, e.g. {@code
     *     source.kafka.security.tls.caSecretRef}, for error messages
     */
    String read(SecretKeyRef ref, String field);
  }

  /** A cluster without security settings (PLAINTEXT). */
  public static KafkaEndpoint plain(String bootstrapServers) {
    return new KafkaEndpoint(bootstrapServers, null, null, null);
  }

  /** The source's cluster. */
  public static KafkaEndpoint of(KafkaSource source, SecretReader secrets) {
    return from(
        source.bootstrapServers(),
        source.saslJaasSecretRef(),
        source.security(),
        "source.kafka",
        secrets);
  }

  /** The sink's cluster. */
  public static KafkaEndpoint of(KafkaSink sink, SecretReader secrets) {
    return from(
        sink.bootstrapServers(), sink.saslJaasSecretRef(), sink.security(), "sink.kafka", secrets);
  }

  /**
   * The cluster of a consent topic: its own bootstrap servers, else the source's Kafka cluster. The
   * consent step has no security settings of its own, so it reaches the source's cluster as the
   * source does, and another cluster without any.
   *
   * @return the endpoint, or null when there is no cluster to read (the plan check refuses that)
   */
  public static KafkaEndpoint consent(
      ConsentTransform consent, SourceSpec source, SecretReader secrets) {
    KafkaSource kafka = source == null ? null : source.kafka();
    String bootstrap = consent.bootstrapServers();
    if (bootstrap == null) {
      return kafka == null ? null : of(kafka, secrets);
    }
    if (kafka != null && bootstrap.equals(kafka.bootstrapServers())) {
      return of(kafka, secrets);
    }
    return plain(bootstrap);
  }

  /**
   * The cluster of a dead-letter topic: the sink's Kafka cluster when the plan compiler put it
   * there, else the source's, reached as the sink or source reaches it.
   */
  public static KafkaEndpoint deadLetters(
      WorkerPlan.DeadLetters deadLetters, SourceSpec source, SinkSpec sink, SecretReader secrets) {
    KafkaSink out = sink == null ? null : sink.kafka();
    if (out != null && out.bootstrapServers().equals(deadLetters.bootstrapServers())) {
      return of(out, secrets);
    }
    return of(source.kafka(), secrets);
  }

  /**
   * The cluster of lineage transport {@code kafka}. The lineage settings are the platform's and
   * name no Secret: when they point at the source's or the sink's cluster, events go with that
   * cluster's security settings; any other cluster is reached without.
   */
  public static KafkaEndpoint lineage(
      WorkerPlan.LineageConfig lineage, SourceSpec source, SinkSpec sink, SecretReader secrets) {
    String bootstrap = lineage.bootstrapServers();
    KafkaSource in = source == null ? null : source.kafka();
    if (in != null && bootstrap.equals(in.bootstrapServers())) {
      return of(in, secrets);
    }
    KafkaSink out = sink == null ? null : sink.kafka();
    if (out != null && bootstrap.equals(out.bootstrapServers())) {
      return of(out, secrets);
    }
    return plain(bootstrap);
  }

  /** Whether clients authenticate with SASL. */
  public boolean authenticated() {
    return sasl != null;
  }

  private static KafkaEndpoint from(
      String bootstrap,
      SecretKeyRef legacyJaas,
      KafkaSecurity security,
      String at,
      SecretReader secrets) {
    if (security == null) {
      if (legacyJaas == null) return plain(bootstrap);
      String jaas = secrets.read(legacyJaas, at + ".saslJaasSecretRef");
      return new KafkaEndpoint(
          bootstrap,
          Protocol.SASL_SSL,
          null,
          new Sasl(KafkaClientSettings.saslMechanism(jaas), jaas));
    }
    return new KafkaEndpoint(
        bootstrap,
        security.protocol(),
        tls(security.tls(), at + ".security.tls", secrets),
        sasl(security.sasl(), at + ".security.sasl", secrets));
  }

  private static Tls tls(KafkaTls tls, String at, SecretReader secrets) {
    if (tls == null) return null;
    return new Tls(
        read(secrets, tls.caSecretRef(), at + ".caSecretRef"),
        read(secrets, tls.certificateSecretRef(), at + ".certificateSecretRef"),
        read(secrets, tls.keySecretRef(), at + ".keySecretRef"));
  }

  private static Sasl sasl(KafkaSasl sasl, String at, SecretReader secrets) {
    if (sasl == null) return null;
    String user = secrets.read(sasl.usernameSecretRef(), at + ".usernameSecretRef");
    String password = secrets.read(sasl.passwordSecretRef(), at + ".passwordSecretRef");
    String module =
        sasl.mechanism() == KafkaSecurity.Mechanism.PLAIN
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
    return new Sasl(
        sasl.mechanism().kafkaName(),
        module
            + " required username="
            + quoted(user, at + ".usernameSecretRef")
            + " password="
            + quoted(password, at + ".passwordSecretRef")
            + ";");
  }

  /** A JAAS option value: double quotes, with backslash and quote escaped as the parser reads. */
  private static String quoted(String value, String field) {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          field + ": the value has a line break inside; store it without one");
    }
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static String read(SecretReader secrets, SecretKeyRef ref, String field) {
    return ref == null ? null : secrets.read(ref, field);
  }

  @Override
  public String toString() {
    return "KafkaEndpoint[bootstrapServers="
        + bootstrapServers
        + (protocol == null ? "" : ", protocol=" + protocol)
        + (tls == null ? "" : ", " + tls)
        + (sasl == null ? "" : ", " + sasl)
        + "]";
  }
}

package io.tributary.plan;

import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.transform.ConsentTransform;
import java.util.function.Function;

/**
 * A Kafka cluster as a client reaches it: the bootstrap servers and, for brokers that require
 * authentication, the SASL JAAS line read from the Secret the spec references. The worker reads the
 * value from the mounted file, the operator from the Kubernetes Secret; {@link KafkaClientSettings}
 * turns it into client properties. {@link #toString()} never shows the JAAS line.
 *
 * @param bootstrapServers host:port[,host:port]
 * @param saslJaas the JAAS config line, or null for a cluster without authentication
 */
public record KafkaEndpoint(String bootstrapServers, String saslJaas) {

  /** A cluster without authentication. */
  public static KafkaEndpoint plain(String bootstrapServers) {
    return new KafkaEndpoint(bootstrapServers, null);
  }

  /**
   * The source's cluster.
   *
   * @param secrets reads a referenced Secret key as text; called only when a reference is set
   */
  public static KafkaEndpoint of(KafkaSource source, Function<SecretKeyRef, String> secrets) {
    return new KafkaEndpoint(source.bootstrapServers(), read(source.saslJaasSecretRef(), secrets));
  }

  /**
   * The sink's cluster.
   *
   * @param secrets reads a referenced Secret key as text; called only when a reference is set
   */
  public static KafkaEndpoint of(KafkaSink sink, Function<SecretKeyRef, String> secrets) {
    return new KafkaEndpoint(sink.bootstrapServers(), read(sink.saslJaasSecretRef(), secrets));
  }

  /**
   * The cluster of a consent topic: its own bootstrap servers, else the source's Kafka cluster. The
   * consent step has no credentials of its own, so it uses the source's when it reads the source's
   * cluster, and none on another cluster.
   *
   * @return the endpoint, or null when there is no cluster to read (the plan check refuses that)
   */
  public static KafkaEndpoint consent(
      ConsentTransform consent, SourceSpec source, Function<SecretKeyRef, String> secrets) {
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

  /** Whether clients authenticate with SASL. */
  public boolean authenticated() {
    return saslJaas != null;
  }

  private static String read(SecretKeyRef ref, Function<SecretKeyRef, String> secrets) {
    return ref == null ? null : secrets.apply(ref);
  }

  @Override
  public String toString() {
    return "KafkaEndpoint[bootstrapServers="
        + bootstrapServers
        + (saslJaas == null ? "" : ", saslJaas=<redacted>")
        + "]";
  }
}

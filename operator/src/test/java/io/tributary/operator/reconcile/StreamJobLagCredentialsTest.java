package io.tributary.operator.reconcile;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.testing.MockCluster;
import io.tributary.operator.testing.MutableClock;
import io.tributary.pipeline.kafka.KafkaSecurity;
import io.tributary.plan.KafkaEndpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator reads a StreamJob's lag with the source's credentials, from the Secret the source
 * names, the same way the workers read theirs; it does not GET the Secret on every resync.
 */
class StreamJobLagCredentialsTest {
  private static final String NS = "payments";
  private static final String SECRET_PATH = "/api/v1/namespaces/payments/secrets/kafka-auth";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  private MockCluster cluster;

  @BeforeEach
  void start() {
    cluster = new MockCluster(clock);
    cluster
        .client()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    cluster.client().resource(fixture("cpu-pool.yaml", ComputePool.class)).create();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void lagIsReadWithTheSourceCredentialsFromTheSecret() throws Exception {
    String v1 = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"a\";";
    String v2 = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"b\";";
    putSecret(v1 + "\n"); // a trailing newline, as kubectl create secret --from-file leaves it
    cluster.startOperator();
    cluster.client().resource(jobWithCredentials()).create();

    await()
        .untilAsserted(
            () ->
                assertThat(cluster.lag().lastCluster())
                    .isEqualTo(
                        new KafkaEndpoint(
                            "kafka.tributary-system.svc:9092",
                            KafkaSecurity.Protocol.SASL_SSL,
                            null,
                            new KafkaEndpoint.Sasl("SCRAM-SHA-512", v1))));
    cluster.drainRequests();
    int before = cluster.lag().reads();
    await().until(() -> cluster.lag().reads() >= before + 3);
    assertThat(cluster.drainRequests()).noneMatch(r -> r.startsWith("GET " + SECRET_PATH));

    // A rotated value is used once the cached one is older than the lookup's TTL.
    putSecret(v2);
    clock.advance(SecretLookup.TTL.plus(Duration.ofSeconds(1)));
    await()
        .untilAsserted(
            () -> assertThat(cluster.lag().lastCluster().sasl().jaasConfig()).isEqualTo(v2));
  }

  @Test
  void lagIsReadWithTheSourceSecuritySettingsFromTheirSecrets() throws Exception {
    String ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    putSecret("kafka-ca", Map.of("ca.crt", ca + "\n"));
    putSecret("kafka-user", Map.of("username", "tributary-payments", "password", "s3cr\"t"));
    cluster.startOperator();
    cluster
        .client()
        .resource(
            job(
                "      security:\n"
                    + "        protocol: SASL_SSL\n"
                    + "        tls:\n"
                    + "          caSecretRef: {name: kafka-ca, key: ca.crt}\n"
                    + "        sasl:\n"
                    + "          mechanism: SCRAM-SHA-256\n"
                    + "          usernameSecretRef: {name: kafka-user, key: username}\n"
                    + "          passwordSecretRef: {name: kafka-user, key: password}\n"))
        .create();

    await()
        .untilAsserted(
            () ->
                assertThat(cluster.lag().lastCluster())
                    .isEqualTo(
                        new KafkaEndpoint(
                            "kafka.tributary-system.svc:9092",
                            KafkaSecurity.Protocol.SASL_SSL,
                            new KafkaEndpoint.Tls(ca, null, null),
                            new KafkaEndpoint.Sasl(
                                "SCRAM-SHA-256",
                                "org.apache.kafka.common.security.scram.ScramLoginModule required"
                                    + " username=\"tributary-payments\" password=\"s3cr\\\"t\";"))));
    // What the operator tells about the cluster (logs, status) names no value.
    assertThat(cluster.lag().lastCluster().toString()).doesNotContain("s3cr", "MIIB");
  }

  private void putSecret(String jaas) {
    putSecret("kafka-auth", Map.of("jaas", jaas));
  }

  private void putSecret(String name, Map<String, String> values) {
    Map<String, String> data = new java.util.TreeMap<>();
    values.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    cluster
        .client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .addToLabels("tributary.io/pipeline-secret", "true")
                .endMetadata()
                .withData(data)
                .build())
        .createOr(r -> r.update());
  }

  private static StreamJob jobWithCredentials() throws Exception {
    return job("      saslJaasSecretRef: {name: kafka-auth, key: jaas}\n");
  }

  /** The fraud StreamJob with {@code sourceLines} added to its Kafka source. */
  private static StreamJob job(String sourceLines) throws Exception {
    String yaml =
        Files.readString(Path.of("src/test/resources/fixtures/fraud-streamjob.yaml"))
            .replace(
                "      topics: [payments.transactions]\n",
                "      topics: [payments.transactions]\n" + sourceLines);
    StreamJob job = Serialization.unmarshal(yaml, StreamJob.class);
    job.getMetadata().setUid(null);
    job.getMetadata().setGeneration(null);
    return job;
  }
}

package io.tributary.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.kafka.KafkaSasl;
import io.tributary.pipeline.kafka.KafkaSecurity;
import io.tributary.pipeline.kafka.KafkaTls;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.transform.ConsentTransform;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class KafkaClientSettingsTest {
  private static final String SCRAM =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\""
          + " password=\"p\";";
  private static final SecretKeyRef JAAS = new SecretKeyRef("kafka-auth", "jaas");
  private static final SecretKeyRef CA = new SecretKeyRef("kafka-tls", "ca.crt");
  private static final SecretKeyRef CERT = new SecretKeyRef("kafka-client", "tls.crt");
  private static final SecretKeyRef KEY = new SecretKeyRef("kafka-client", "tls.key");
  private static final SecretKeyRef USER = new SecretKeyRef("kafka-user", "username");
  private static final SecretKeyRef PASSWORD = new SecretKeyRef("kafka-user", "password");

  /** Secret values as the worker reads its files and the operator its Secrets. */
  private static final Map<SecretKeyRef, String> VALUES =
      Map.of(
          JAAS, SCRAM,
          CA, "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----",
          CERT, "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----",
          KEY, "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----",
          USER, "etl",
          PASSWORD, "pa\"ss\\word");

  private static final KafkaEndpoint.SecretReader SECRETS =
      (ref, field) -> {
        String v = VALUES.get(ref);
        if (v == null) throw new AssertionError("read an unreferenced key " + ref + " at " + field);
        return v;
      };

  private static final KafkaEndpoint SECURED =
      KafkaEndpoint.of(
          KafkaSource.of("broker:9093", List.of("t")).withSaslJaasSecretRef(JAAS), SECRETS);
  private static final KafkaEndpoint PLAIN = KafkaEndpoint.plain("broker:9092");

  /** Every role, as a function of the cluster it talks to. */
  static Stream<Arguments> roles() {
    return Stream.of(
        role("stream consumer", e -> KafkaClientSettings.streamConsumer(e, "g", "c", "earliest")),
        role("state restore reader", e -> KafkaClientSettings.stateRestoreReader(e, "c")),
        role("transactional producer", e -> KafkaClientSettings.streamProducer(e, "c", "tx")),
        role("at-least-once producer", e -> KafkaClientSettings.streamProducer(e, "c", null)),
        role("worker admin", KafkaClientSettings::admin),
        role("batch reader", e -> KafkaClientSettings.batchReader(e, "g", "latest")),
        role("batch writer", e -> KafkaClientSettings.batchWriter(e, "tx")),
        role("dead-letter producer", KafkaClientSettings::deadLetterProducer),
        role("consent reader", e -> KafkaClientSettings.consentReader(e, "consent")),
        role("lineage producer", KafkaClientSettings::lineageProducer),
        role("event producer", e -> KafkaClientSettings.eventProducer(e, "c")),
        role("operator lag reader", KafkaClientSettings::lagReader));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roles")
  void everyRoleAuthenticatesWhenTheClusterHasADeprecatedJaasLine(
      String role, Function<KafkaEndpoint, Map<String, String>> settings) {
    Map<String, String> secured = settings.apply(SECURED);
    assertThat(secured)
        .containsEntry("bootstrap.servers", "broker:9093")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", SCRAM);

    Map<String, String> plain = settings.apply(PLAIN);
    assertThat(plain).containsEntry("bootstrap.servers", "broker:9092");
    assertThat(plain.keySet())
        .doesNotContain("security.protocol", "sasl.mechanism", "sasl.jaas.config");
    // Security is the only difference between the two.
    assertThat(secured.size() - plain.size()).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "org.apache.kafka.common.security.scram.ScramLoginModule required;, SCRAM-SHA-512",
    "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;, OAUTHBEARER",
    "org.apache.kafka.common.security.plain.PlainLoginModule required;, PLAIN"
  })
  void theMechanismFollowsTheLoginModule(String jaas, String mechanism) {
    assertThat(KafkaClientSettings.saslMechanism(jaas)).isEqualTo(mechanism);
  }

  @org.junit.jupiter.api.Test
  void rolesCarryTheirGuarantees() {
    assertThat(KafkaClientSettings.streamConsumer(PLAIN, "g", "c", "latest"))
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", "false")
        .containsEntry("auto.offset.reset", "latest")
        .containsEntry("group.id", "g");
    assertThat(KafkaClientSettings.streamProducer(PLAIN, "c", "tx"))
        .containsEntry("transactional.id", "tx")
        .containsEntry("transaction.timeout.ms", "30000")
        .containsEntry("enable.idempotence", "true");
    assertThat(KafkaClientSettings.streamProducer(PLAIN, "c", null))
        .doesNotContainKeys("transactional.id", "transaction.timeout.ms");
    assertThat(KafkaClientSettings.batchWriter(PLAIN, "tx"))
        .containsEntry("transaction.timeout.ms", "900000")
        .containsEntry("acks", "all");
    assertThat(KafkaClientSettings.properties(KafkaClientSettings.admin(PLAIN)))
        .containsEntry("bootstrap.servers", "broker:9092");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roles")
  void everyRoleGetsTheSameSecuritySettings(
      String role, Function<KafkaEndpoint, Map<String, String>> settings) {
    KafkaEndpoint mtlsScram =
        endpoint(
            KafkaSecurity.saslSsl(
                KafkaTls.mutual(CA, CERT, KEY),
                new KafkaSasl(KafkaSecurity.Mechanism.SCRAM_SHA_256, USER, PASSWORD)));
    Map<String, String> secured = settings.apply(mtlsScram);
    Map<String, String> plain = settings.apply(KafkaEndpoint.plain("broker:9093"));
    assertThat(secured).containsAllEntriesOf(KafkaClientSettings.security(mtlsScram));
    // Security is the only difference.
    Map<String, String> rest = new java.util.LinkedHashMap<>(secured);
    rest.keySet().removeAll(KafkaClientSettings.security(mtlsScram).keySet());
    assertThat(rest).isEqualTo(plain);
  }

  @org.junit.jupiter.api.Test
  void tlsWithACaTrustsThePemBundleAndNothingElse() {
    assertThat(KafkaClientSettings.security(endpoint(KafkaSecurity.ssl(KafkaTls.trusting(CA)))))
        .containsExactly(
            Map.entry("security.protocol", "SSL"),
            Map.entry("ssl.truststore.type", "PEM"),
            Map.entry("ssl.truststore.certificates", VALUES.get(CA)));
  }

  @org.junit.jupiter.api.Test
  void tlsWithoutACaUsesTheJvmTrustStore() {
    assertThat(KafkaClientSettings.security(endpoint(KafkaSecurity.ssl(null))))
        .containsExactly(Map.entry("security.protocol", "SSL"));
  }

  @org.junit.jupiter.api.Test
  void mutualTlsSendsThePemChainAndKey() {
    assertThat(
            KafkaClientSettings.security(
                endpoint(KafkaSecurity.ssl(KafkaTls.mutual(CA, CERT, KEY)))))
        .containsExactly(
            Map.entry("security.protocol", "SSL"),
            Map.entry("ssl.truststore.type", "PEM"),
            Map.entry("ssl.truststore.certificates", VALUES.get(CA)),
            Map.entry("ssl.keystore.type", "PEM"),
            Map.entry("ssl.keystore.certificate.chain", VALUES.get(CERT)),
            Map.entry("ssl.keystore.key", VALUES.get(KEY)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "PLAIN, PLAIN, org.apache.kafka.common.security.plain.PlainLoginModule",
    "SCRAM_SHA_256, SCRAM-SHA-256, org.apache.kafka.common.security.scram.ScramLoginModule",
    "SCRAM_SHA_512, SCRAM-SHA-512, org.apache.kafka.common.security.scram.ScramLoginModule"
  })
  void saslBuildsTheJaasLineFromTheUserNameAndPassword(
      KafkaSecurity.Mechanism mechanism, String kafkaName, String module) {
    KafkaEndpoint e =
        endpoint(KafkaSecurity.saslSsl(null, new KafkaSasl(mechanism, USER, PASSWORD)));
    // The password's quote and backslash are escaped as Kafka's JAAS parser reads them.
    assertThat(KafkaClientSettings.security(e))
        .containsExactly(
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("sasl.mechanism", kafkaName),
            Map.entry(
                "sasl.jaas.config",
                module + " required username=\"etl\" password=\"pa\\\"ss\\\\word\";"));
  }

  @org.junit.jupiter.api.Test
  void saslOverPlaintextHasNoTls() {
    KafkaEndpoint e =
        endpoint(
            new KafkaSecurity(
                KafkaSecurity.Protocol.SASL_PLAINTEXT,
                null,
                new KafkaSasl(KafkaSecurity.Mechanism.PLAIN, USER, PASSWORD)));
    assertThat(KafkaClientSettings.security(e))
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .doesNotContainKeys("ssl.truststore.type", "ssl.keystore.type");
  }

  @org.junit.jupiter.api.Test
  void aLineBreakInsideACredentialIsRefusedNamingTheFieldNotTheValue() {
    KafkaEndpoint.SecretReader broken = (ref, field) -> ref.equals(PASSWORD) ? "a\nb" : "etl";
    KafkaSource source =
        KafkaSource.of("a:1", List.of("t"))
            .withSecurity(
                KafkaSecurity.saslSsl(
                    null, new KafkaSasl(KafkaSecurity.Mechanism.PLAIN, USER, PASSWORD)));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> KafkaEndpoint.of(source, broken))
        .hasMessage(
            "source.kafka.security.sasl.passwordSecretRef: the value has a line break inside;"
                + " store it without one");
  }

  @org.junit.jupiter.api.Test
  void endpointsNeverPrintSecretValues() {
    KafkaEndpoint e =
        endpoint(
            KafkaSecurity.saslSsl(
                KafkaTls.mutual(CA, CERT, KEY),
                new KafkaSasl(KafkaSecurity.Mechanism.SCRAM_SHA_512, USER, PASSWORD)));
    assertThat(e.toString())
        .isEqualTo(
            "KafkaEndpoint[bootstrapServers=broker:9093, protocol=SASL_SSL, Tls[ca=true,"
                + " clientCertificate=true], Sasl[mechanism=SCRAM-SHA-512]]");
    assertThat(SECURED.toString()).doesNotContain("password", "etl");
  }

  @org.junit.jupiter.api.Test
  void secretReadsNameTheFieldThatReferencesTheKey() {
    List<String> fields = new java.util.ArrayList<>();
    KafkaEndpoint.of(
        KafkaSink.of("b:1", "o")
            .withSecurity(
                KafkaSecurity.saslSsl(
                    KafkaTls.mutual(CA, CERT, KEY),
                    new KafkaSasl(KafkaSecurity.Mechanism.PLAIN, USER, PASSWORD))),
        (ref, field) -> {
          fields.add(field);
          return SECRETS.read(ref, field);
        });
    assertThat(fields)
        .containsExactly(
            "sink.kafka.security.tls.caSecretRef",
            "sink.kafka.security.tls.certificateSecretRef",
            "sink.kafka.security.tls.keySecretRef",
            "sink.kafka.security.sasl.usernameSecretRef",
            "sink.kafka.security.sasl.passwordSecretRef");
  }

  @org.junit.jupiter.api.Test
  void consentDeadLettersAndLineageReachTheClusterTheyAreAttachedTo() {
    KafkaSecurity security =
        KafkaSecurity.saslSsl(
            KafkaTls.trusting(CA),
            new KafkaSasl(KafkaSecurity.Mechanism.SCRAM_SHA_512, USER, PASSWORD));
    KafkaSource source = KafkaSource.of("a:1", List.of("t")).withSecurity(security);
    KafkaSink sink =
        KafkaSink.of("b:1", "o").withSecurity(KafkaSecurity.ssl(KafkaTls.trusting(CA)));
    KafkaEndpoint in = KafkaEndpoint.of(source, SECRETS);
    KafkaEndpoint out = KafkaEndpoint.of(sink, SECRETS);
    assertThat(in.authenticated()).isTrue();
    assertThat(out.authenticated()).isFalse();
    SourceSpec kafka = SourceSpec.of(source);
    SinkSpec toKafka = SinkSpec.of(sink);

    // A consent topic on the source's cluster is read as the source reads it...
    assertThat(KafkaEndpoint.consent(new ConsentTransform("p", "s", "c", null), kafka, SECRETS))
        .isEqualTo(in);
    assertThat(KafkaEndpoint.consent(new ConsentTransform("p", "s", "c", "a:1"), kafka, SECRETS))
        .isEqualTo(in);
    // ... and another cluster without settings (the consent step has none of its own).
    assertThat(
            KafkaEndpoint.consent(new ConsentTransform("p", "s", "c", "other:1"), kafka, SECRETS))
        .isEqualTo(KafkaEndpoint.plain("other:1"));
    assertThat(KafkaEndpoint.consent(new ConsentTransform("p", "s", "c", null), null, SECRETS))
        .isNull();

    // Dead letters: on the sink's cluster as the sink writes, else on the source's.
    assertThat(
            KafkaEndpoint.deadLetters(
                new WorkerPlan.DeadLetters("dl", "b:1", null, null), kafka, toKafka, SECRETS))
        .isEqualTo(out);
    assertThat(
            KafkaEndpoint.deadLetters(
                new WorkerPlan.DeadLetters("dl", "a:1", null, null), kafka, null, SECRETS))
        .isEqualTo(in);

    // Lineage: the source's or sink's cluster with its settings, any other without.
    assertThat(
            KafkaEndpoint.lineage(
                WorkerPlan.LineageConfig.kafka("a:1", "lineage"), kafka, toKafka, SECRETS))
        .isEqualTo(in);
    assertThat(
            KafkaEndpoint.lineage(
                WorkerPlan.LineageConfig.kafka("b:1", "lineage"), kafka, toKafka, SECRETS))
        .isEqualTo(out);
    assertThat(
            KafkaEndpoint.lineage(
                WorkerPlan.LineageConfig.kafka("c:1", "lineage"), kafka, toKafka, SECRETS))
        .isEqualTo(KafkaEndpoint.plain("c:1"));
  }

  private static KafkaEndpoint endpoint(KafkaSecurity security) {
    return KafkaEndpoint.of(
        KafkaSource.of("broker:9093", List.of("t")).withSecurity(security), SECRETS);
  }

  private static Arguments role(String name, Function<KafkaEndpoint, Map<String, String>> f) {
    return Arguments.of(name, f);
  }
}

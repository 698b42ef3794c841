package io.tributary.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SourceSpec;
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
  private static final KafkaEndpoint SECURED = new KafkaEndpoint("broker:9093", SCRAM);
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
        role("operator lag reader", KafkaClientSettings::lagReader));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roles")
  void everyRoleAuthenticatesWhenTheClusterHasAJaasLine(
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

  @org.junit.jupiter.api.Test
  void endpointsReadTheReferencedSecretAndNeverPrintIt() {
    SecretKeyRef ref = new SecretKeyRef("kafka-auth", "jaas");
    Function<SecretKeyRef, String> secrets = r -> r.equals(ref) ? SCRAM : null;
    KafkaSource source = new KafkaSource("a:1", List.of("t"), null, null, ref);
    KafkaEndpoint in = KafkaEndpoint.of(source, secrets);
    assertThat(in.saslJaas()).isEqualTo(SCRAM);
    assertThat(in.toString()).doesNotContain("password").contains("<redacted>");
    assertThat(KafkaEndpoint.of(new KafkaSink("b:1", "o", null, null), secrets).authenticated())
        .isFalse();

    SourceSpec kafka = SourceSpec.of(source);
    // A consent topic on the source's cluster uses the source's credentials...
    assertThat(KafkaEndpoint.consent(new ConsentTransform("p", "s", "c", null), kafka, secrets))
        .isEqualTo(in);
    assertThat(KafkaEndpoint.consent(new ConsentTransform("p", "s", "c", "a:1"), kafka, secrets))
        .isEqualTo(in);
    // ... and none on another cluster (the consent step has no credentials of its own).
    assertThat(
            KafkaEndpoint.consent(new ConsentTransform("p", "s", "c", "other:1"), kafka, secrets))
        .isEqualTo(KafkaEndpoint.plain("other:1"));
    assertThat(KafkaEndpoint.consent(new ConsentTransform("p", "s", "c", null), null, secrets))
        .isNull();
  }

  private static Arguments role(String name, Function<KafkaEndpoint, Map<String, String>> f) {
    return Arguments.of(name, f);
  }
}

package io.tributary.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.kafka.KafkaSasl;
import io.tributary.pipeline.kafka.KafkaSecurity;
import io.tributary.pipeline.kafka.KafkaSecurity.Mechanism;
import io.tributary.pipeline.kafka.KafkaSecurity.Protocol;
import io.tributary.pipeline.kafka.KafkaTls;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.source.KafkaSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the plan compiler refuses about Kafka security and consumer groups, in the words both the
 * operator (under {@code spec.}) and the worker (after the plan file's name) print.
 */
class KafkaSecurityPlanTest {
  private static final PlanContext PAYMENTS = PlanContext.of("payments", "fraud", "u-1");
  private static final SecretKeyRef CA = new SecretKeyRef("kafka-tls", "ca.crt");
  private static final SecretKeyRef CERT = new SecretKeyRef("kafka-client", "tls.crt");
  private static final SecretKeyRef KEY = new SecretKeyRef("kafka-client", "tls.key");
  private static final KafkaSasl SCRAM =
      new KafkaSasl(
          Mechanism.SCRAM_SHA_512,
          new SecretKeyRef("kafka-user", "username"),
          new SecretKeyRef("kafka-user", "password"));
  private static final KafkaSource IN = KafkaSource.of("kafka:9093", List.of("payments.tx"));

  private static List<String> problems(KafkaSource source, PlanContext context) {
    return PlanCompiler.compile(
            PipelineDefinition.stream()
                .source(SourceSpec.of(source))
                .sink(SinkSpec.of(KafkaSink.of("kafka:9093", "payments.out")))
                .build(),
            context)
        .problems()
        .stream()
        .map(PlanProblem::toString)
        .toList();
  }

  private static List<String> problems(KafkaSecurity security) {
    return problems(IN.withSecurity(security), PAYMENTS);
  }

  @Test
  void consistentSettingsCompile() {
    assertThat(problems(KafkaSecurity.ssl(null))).isEmpty();
    assertThat(problems(KafkaSecurity.ssl(KafkaTls.mutual(CA, CERT, KEY)))).isEmpty();
    assertThat(problems(KafkaSecurity.saslSsl(KafkaTls.trusting(CA), SCRAM))).isEmpty();
    assertThat(problems(new KafkaSecurity(Protocol.SASL_PLAINTEXT, null, SCRAM))).isEmpty();
    assertThat(problems(new KafkaSecurity(Protocol.PLAINTEXT, null, null))).isEmpty();
  }

  @Test
  void saslNeedsASaslProtocol() {
    assertThat(problems(new KafkaSecurity(Protocol.SSL, null, SCRAM)))
        .containsExactly(
            "source.kafka.security.sasl: security.sasl needs protocol SASL_SSL or SASL_PLAINTEXT:"
                + " set security.protocol: SASL_SSL, or remove security.sasl");
  }

  @Test
  void aSaslProtocolNeedsCredentials() {
    assertThat(problems(new KafkaSecurity(Protocol.SASL_SSL, null, null)))
        .containsExactly(
            "source.kafka.security.protocol: security.protocol SASL_SSL and SASL_PLAINTEXT need"
                + " security.sasl (mechanism, usernameSecretRef, passwordSecretRef)");
  }

  @Test
  void tlsNeedsATlsProtocol() {
    assertThat(problems(new KafkaSecurity(Protocol.SASL_PLAINTEXT, KafkaTls.trusting(CA), SCRAM)))
        .containsExactly(
            "source.kafka.security.tls: security.tls needs protocol SSL or SASL_SSL: set"
                + " security.protocol: SSL (or SASL_SSL), or remove security.tls");
  }

  @Test
  void aKeyWithoutACertificateIsRefused() {
    assertThat(problems(KafkaSecurity.ssl(new KafkaTls(CA, null, KEY))))
        .containsExactly(
            "source.kafka.security.tls: security.tls.certificateSecretRef and"
                + " security.tls.keySecretRef go together: mutual TLS needs the client certificate"
                + " chain and its private key; set both, or neither");
  }

  @Test
  void theDeprecatedJaasLineDoesNotMixWithSecurity() {
    List<String> sink =
        PlanCompiler.compile(
                PipelineDefinition.stream()
                    .source(SourceSpec.of(IN))
                    .sink(
                        SinkSpec.of(
                            KafkaSink.of("kafka:9093", "out")
                                .withSaslJaasSecretRef(new SecretKeyRef("kafka", "jaas"))
                                .withSecurity(KafkaSecurity.ssl(null))))
                    .build(),
                PAYMENTS)
            .problems()
            .stream()
            .map(PlanProblem::toString)
            .toList();
    assertThat(sink)
        .containsExactly(
            "sink.kafka.saslJaasSecretRef: sink.kafka.saslJaasSecretRef (deprecated) cannot be"
                + " combined with sink.kafka.security: move the credentials to security.sasl"
                + " (mechanism, usernameSecretRef, passwordSecretRef) and remove"
                + " saslJaasSecretRef");
  }

  @Test
  void aConsumerGroupOutsideTheNamespacePrefixIsRefused() {
    PlanCompiler.Result r =
        PlanCompiler.compile(
            PipelineDefinition.stream()
                .source(SourceSpec.of(IN.withConsumerGroup("tributary-risk-scoring")))
                .sink(SinkSpec.of(KafkaSink.of("kafka:9093", "payments.out")))
                .build(),
            PAYMENTS);
    assertThat(r.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(PlanProblem.Kind.CONSUMER_GROUP_OUTSIDE_NAMESPACE);
              assertThat(p.toString())
                  .isEqualTo(
                      "source.kafka.consumerGroup: 'tributary-risk-scoring' is outside namespace"
                          + " payments: consumer groups here start with tributary-payments-;"
                          + " rename it tributary-payments-<name>, or leave consumerGroup out for"
                          + " tributary-payments-fraud");
            });
    assertThat(problems(IN.withConsumerGroup("fraud-detection"), PAYMENTS)).hasSize(1);
    // The bare prefix names no group of its own.
    assertThat(problems(IN.withConsumerGroup("tributary-payments-"), PAYMENTS)).hasSize(1);
    assertThat(problems(IN.withConsumerGroup("tributary-payments-fraud-v2"), PAYMENTS)).isEmpty();
  }

  @Test
  void theWorkerRefusesTheSameGroupInAPlanThatSkippedTheOperator() {
    WorkerPlan ok =
        PlanCompiler.compile(
                PipelineDefinition.stream()
                    .source(SourceSpec.of(IN))
                    .sink(SinkSpec.of(KafkaSink.of("kafka:9093", "out")))
                    .build(),
                PAYMENTS)
            .plan();
    WorkerPlan edited =
        ok.toBuilder()
            .source(SourceSpec.of(ok.source().kafka().withConsumerGroup("tributary-risk-x")))
            .build();
    assertThat(PlanCompiler.problems(edited))
        .extracting(PlanProblem::path)
        .containsExactly("source.kafka.consumerGroup");
  }

  @Test
  void transactionalIdsCarryTheNamespacePrefix() {
    WorkerPlan.PipelineIdentity who = new WorkerPlan.PipelineIdentity("payments", "fraud", "u-1");
    assertThat(PlanNames.batchTransactionalId(who)).startsWith(PlanNames.namespacePrefix(who));
    assertThat(PlanNames.pipeline(who)).isEqualTo("tributary-payments-fraud");
  }
}

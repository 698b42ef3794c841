package io.tributary.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.operator.autoscale.LagSource;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.kafka.KafkaSasl;
import io.tributary.pipeline.kafka.KafkaSecurity;
import io.tributary.pipeline.kafka.KafkaTls;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.runtime.testing.KafkaBroker;
import io.tributary.runtime.testing.TestPki;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's lag reader against a broker that accepts only SASL over TLS. A class of its own:
 * two brokers in one JVM share their JMX metric names, which {@link KafkaLagSourceIT} counts.
 */
class KafkaLagSourceSecurityIT {
  /** Long enough that only the test's own refreshes run. */
  private static final Duration POLL = Duration.ofHours(1);

  /**
   * The lag reader connects as the workers do: over SASL_SSL with SCRAM, trusting the CA from the
   * source's Secret, with the values the operator read from the Secrets. A wrong password is the
   * broker's authentication error, not zero lag and not a hang.
   */
  @Test
  void lagIsReadOverSaslSslWithScramAndAWrongPasswordIsTheBrokersError() throws Exception {
    TestPki ca = TestPki.authority("lag-it-ca");
    try (KafkaBroker secured = KafkaBroker.startSecured(ca)) {
      secured.createTopic("lag.secure", 2);
      for (int i = 0; i < 10; i++) secured.produce("lag.secure", "k" + i, "{}");
      SecretKeyRef caRef = new SecretKeyRef("kafka-ca", "ca.crt");
      SecretKeyRef user = new SecretKeyRef("kafka-user", "username");
      SecretKeyRef password = new SecretKeyRef("kafka-user", "password");
      KafkaSource source =
          KafkaSource.of(secured.saslSslBootstrapServers(), List.of("lag.secure"))
              .withSecurity(
                  KafkaSecurity.saslSsl(
                      KafkaTls.trusting(caRef),
                      new KafkaSasl(KafkaSecurity.Mechanism.SCRAM_SHA_512, user, password)));
      Map<SecretKeyRef, String> values =
          new HashMap<>(
              Map.of(
                  caRef, ca.caPem(), user, KafkaBroker.USER, password, KafkaBroker.SCRAM_PASSWORD));
      KafkaEndpoint good = KafkaEndpoint.of(source, (ref, field) -> values.get(ref));
      values.put(password, "not-the-password");
      KafkaEndpoint wrong = KafkaEndpoint.of(source, (ref, field) -> values.get(ref));

      try (KafkaLagSource lag = new KafkaLagSource(Clock.systemUTC(), POLL)) {
        var ok = new LagSource.Query(good, "tributary-payments-scoring", List.of("lag.secure"));
        var refused =
            new LagSource.Query(wrong, "tributary-payments-scoring", List.of("lag.secure"));
        askFirst(lag, ok, refused);
        lag.refreshAll();
        assertThat(lag.read(ok).lag()).isEqualTo(10);
        assertThat(lag.read(ok).partitions()).isEqualTo(2);
        assertThatThrownBy(() -> lag.read(refused))
            .hasStackTraceContaining("Authentication failed")
            .hasStackTraceContaining("SCRAM-SHA-512");
      }
    }
  }

  private static void askFirst(KafkaLagSource source, LagSource.Query... queries) {
    for (var q : queries) {
      assertThatThrownBy(() -> source.read(q)).isInstanceOf(ClusterLag.LagNotReadYet.class);
    }
  }
}

package io.tributary.plan;

import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.kafka.KafkaSasl;
import io.tributary.pipeline.kafka.KafkaSecurity;
import io.tributary.pipeline.kafka.KafkaTls;
import java.util.ArrayList;
import java.util.List;

/** The consistency of a Kafka source's or sink's security settings. */
final class KafkaSecurityCheck {
  private KafkaSecurityCheck() {}

  /**
   * The CRD's rules on a Kafka cluster's security settings (KafkaSecurity, KafkaTls, the deprecated
   * JAAS line), for plans that did not pass the API server, in the same words.
   */
  static List<PlanProblem> problems(String at, SecretKeyRef legacyJaas, KafkaSecurity security) {
    List<PlanProblem> out = new ArrayList<>();
    if (security == null) return out;
    if (legacyJaas != null) {
      out.add(
          PlanProblem.spec(
              at + ".saslJaasSecretRef",
              at
                  + ".saslJaasSecretRef (deprecated) cannot be combined with "
                  + at
                  + ".security: move the credentials to security.sasl (mechanism,"
                  + " usernameSecretRef, passwordSecretRef) and remove saslJaasSecretRef"));
    }
    KafkaSecurity.Protocol protocol = security.protocol();
    if (protocol == null) {
      out.add(
          PlanProblem.spec(
              at + ".security.protocol", "missing: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"));
      return out;
    }
    if (security.sasl() != null && !protocol.sasl()) {
      out.add(
          PlanProblem.spec(
              at + ".security.sasl",
              "security.sasl needs protocol SASL_SSL or SASL_PLAINTEXT: set security.protocol:"
                  + " SASL_SSL, or remove security.sasl"));
    }
    if (security.sasl() == null && protocol.sasl()) {
      out.add(
          PlanProblem.spec(
              at + ".security.protocol",
              "security.protocol SASL_SSL and SASL_PLAINTEXT need security.sasl (mechanism,"
                  + " usernameSecretRef, passwordSecretRef)"));
    }
    KafkaSasl sasl = security.sasl();
    if (sasl != null
        && (sasl.mechanism() == null
            || sasl.usernameSecretRef() == null
            || sasl.passwordSecretRef() == null)) {
      out.add(
          PlanProblem.spec(
              at + ".security.sasl", "needs mechanism, usernameSecretRef and passwordSecretRef"));
    }
    KafkaTls tls = security.tls();
    if (tls != null && !protocol.tls()) {
      out.add(
          PlanProblem.spec(
              at + ".security.tls",
              "security.tls needs protocol SSL or SASL_SSL: set security.protocol: SSL (or"
                  + " SASL_SSL), or remove security.tls"));
    }
    if (tls != null && (tls.certificateSecretRef() == null) != (tls.keySecretRef() == null)) {
      out.add(
          PlanProblem.spec(
              at + ".security.tls",
              "security.tls.certificateSecretRef and security.tls.keySecretRef go together: mutual"
                  + " TLS needs the client certificate chain and its private key; set both, or"
                  + " neither"));
    }
    return out;
  }
}

package io.tributary.pipeline.kafka;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * How clients reach a Kafka cluster: the protocol, the TLS trust and client certificate, and the
 * SASL credentials. Every value is a reference to a Secret key; the worker reads the mounted file,
 * the operator's lag reader the Secret, and neither value enters the plan.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Rules on the class, not the fields: Fabric8 copies a rule on a record component twice.
@ValidationRule(
    value = "!has(self.sasl) || self.protocol == 'SASL_SSL' || self.protocol == 'SASL_PLAINTEXT'",
    fieldPath = ".sasl",
    message =
        "security.sasl needs protocol SASL_SSL or SASL_PLAINTEXT: set security.protocol: SASL_SSL,"
            + " or remove security.sasl")
@ValidationRule(
    value = "has(self.sasl) || (self.protocol != 'SASL_SSL' && self.protocol != 'SASL_PLAINTEXT')",
    fieldPath = ".protocol",
    message =
        "security.protocol SASL_SSL and SASL_PLAINTEXT need security.sasl (mechanism,"
            + " usernameSecretRef, passwordSecretRef)")
@ValidationRule(
    value = "!has(self.tls) || self.protocol == 'SSL' || self.protocol == 'SASL_SSL'",
    fieldPath = ".tls",
    message =
        "security.tls needs protocol SSL or SASL_SSL: set security.protocol: SSL (or SASL_SSL), or"
            + " remove security.tls")
public record KafkaSecurity(
    @Required
        @JsonPropertyDescription(
            "PLAINTEXT, SSL (TLS; with tls.certificateSecretRef and tls.keySecretRef mutual TLS),"
                + " SASL_PLAINTEXT or SASL_SSL (SASL over TLS).")
        Protocol protocol,
    @JsonPropertyDescription(
            "TLS settings for SSL and SASL_SSL; without them the JVM's trust store verifies the"
                + " brokers and no client certificate is sent.")
        KafkaTls tls,
    @JsonPropertyDescription("SASL credentials; required with SASL_SSL and SASL_PLAINTEXT.")
        KafkaSasl sasl) {

  /** A TLS cluster (SSL), with these TLS settings (null: the JVM trust store). */
  public static KafkaSecurity ssl(KafkaTls tls) {
    return new KafkaSecurity(Protocol.SSL, tls, null);
  }

  /** A SASL over TLS cluster (SASL_SSL). */
  public static KafkaSecurity saslSsl(KafkaTls tls, KafkaSasl sasl) {
    return new KafkaSecurity(Protocol.SASL_SSL, tls, sasl);
  }

  /** Kafka's security.protocol. */
  public enum Protocol {
    PLAINTEXT,
    SSL,
    SASL_PLAINTEXT,
    SASL_SSL;

    /** Whether connections use TLS. */
    public boolean tls() {
      return this == SSL || this == SASL_SSL;
    }

    /** Whether clients authenticate with SASL. */
    public boolean sasl() {
      return this == SASL_PLAINTEXT || this == SASL_SSL;
    }
  }

  /** Kafka's sasl.mechanism, among those with a user name and a password. */
  public enum Mechanism {
    @JsonProperty("PLAIN")
    PLAIN("PLAIN"),
    @JsonProperty("SCRAM-SHA-256")
    SCRAM_SHA_256("SCRAM-SHA-256"),
    @JsonProperty("SCRAM-SHA-512")
    SCRAM_SHA_512("SCRAM-SHA-512");

    private final String kafkaName;

    Mechanism(String kafkaName) {
      this.kafkaName = kafkaName;
    }

    /** The name Kafka's sasl.mechanism takes. */
    public String kafkaName() {
      return kafkaName;
    }
  }
}

package io.tributary.pipeline.kafka;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.SecretKeyRef;

/** TLS settings of a Kafka cluster: whom to trust and, for mutual TLS, who the client is. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.certificateSecretRef) == has(self.keySecretRef)",
    message =
        "security.tls.certificateSecretRef and security.tls.keySecretRef go together: mutual TLS"
            + " needs the client certificate chain and its private key; set both, or neither")
public record KafkaTls(
    @JsonPropertyDescription(
            "Secret key holding the PEM CA certificate(s) that signed the brokers' certificates;"
                + " default: the JVM's trust store.")
        SecretKeyRef caSecretRef,
    @JsonPropertyDescription(
            "Secret key holding the PEM client certificate chain (client certificate first), for"
                + " mutual TLS; set with keySecretRef.")
        SecretKeyRef certificateSecretRef,
    @JsonPropertyDescription(
            "Secret key holding the client's unencrypted PKCS#8 PEM private key (BEGIN PRIVATE"
                + " KEY), for mutual TLS; set with certificateSecretRef.")
        SecretKeyRef keySecretRef) {

  /** Trusts the CA in {@code ca}. */
  public static KafkaTls trusting(SecretKeyRef ca) {
    return new KafkaTls(ca, null, null);
  }

  /** Mutual TLS: trusts {@code ca} (null: the JVM trust store), shows {@code certificate}. */
  public static KafkaTls mutual(SecretKeyRef ca, SecretKeyRef certificate, SecretKeyRef key) {
    return new KafkaTls(ca, certificate, key);
  }

  /** Whether the client presents a certificate. */
  public boolean mutual() {
    return certificateSecretRef != null && keySecretRef != null;
  }
}

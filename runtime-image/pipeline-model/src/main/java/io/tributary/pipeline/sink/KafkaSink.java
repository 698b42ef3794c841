package io.tributary.pipeline.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.kafka.KafkaSecurity;

/** JSON records to a Kafka topic. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.saslJaasSecretRef) || !has(self.security)",
    fieldPath = ".saslJaasSecretRef",
    message =
        "sink.kafka.saslJaasSecretRef (deprecated) cannot be combined with sink.kafka.security:"
            + " move the credentials to security.sasl (mechanism, usernameSecretRef,"
            + " passwordSecretRef) and remove saslJaasSecretRef")
public record KafkaSink(
    @Required
        @Pattern("^[^,\\s]+:[0-9]+(,[^,\\s]+:[0-9]+)*$")
        @JsonPropertyDescription("Bootstrap servers, host:port[,host:port].")
        String bootstrapServers,
    @Required @Pattern("^[a-zA-Z0-9._-]{1,249}$") @JsonPropertyDescription("Topic to produce to.")
        String topic,
    @JsonPropertyDescription(
            "Record field whose value becomes the Kafka key (keeps per-key order); default: the"
                + " input record's key.")
        String keyField,
    @JsonPropertyDescription(
            "Deprecated: use security. Secret key holding a SASL JAAS config line; means SASL_SSL"
                + " with the JVM's trust store and the mechanism of the login module.")
        SecretKeyRef saslJaasSecretRef,
    @JsonPropertyDescription(
            "How to reach the brokers: protocol, TLS trust and client certificate, SASL"
                + " credentials; default PLAINTEXT.")
        KafkaSecurity security) {

  /** Writes to {@code topic} on {@code bootstrapServers}, every option at its default. */
  public static KafkaSink of(String bootstrapServers, String topic) {
    return new KafkaSink(bootstrapServers, topic, null, null, null);
  }

  /** The same sink keyed by {@code field}. */
  public KafkaSink withKeyField(String field) {
    return new KafkaSink(bootstrapServers, topic, field, saslJaasSecretRef, security);
  }

  /** The same sink authenticating with the JAAS line in {@code ref} (deprecated). */
  public KafkaSink withSaslJaasSecretRef(SecretKeyRef ref) {
    return new KafkaSink(bootstrapServers, topic, keyField, ref, security);
  }

  /** The same sink reached with {@code security}. */
  public KafkaSink withSecurity(KafkaSecurity security) {
    return new KafkaSink(bootstrapServers, topic, keyField, saslJaasSecretRef, security);
  }
}

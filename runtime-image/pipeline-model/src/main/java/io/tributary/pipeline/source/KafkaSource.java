package io.tributary.pipeline.source;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.kafka.KafkaSecurity;
import java.util.List;

/** JSON records from Kafka topics. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.saslJaasSecretRef) || !has(self.security)",
    fieldPath = ".saslJaasSecretRef",
    message =
        "source.kafka.saslJaasSecretRef (deprecated) cannot be combined with"
            + " source.kafka.security: move the credentials to security.sasl (mechanism,"
            + " usernameSecretRef, passwordSecretRef) and remove saslJaasSecretRef")
public record KafkaSource(
    @Required
        @Pattern("^[^,\\s]+:[0-9]+(,[^,\\s]+:[0-9]+)*$")
        @JsonPropertyDescription("Bootstrap servers, host:port[,host:port].")
        String bootstrapServers,
    @Required @Size(min = 1) @JsonPropertyDescription("Topics to read; records are JSON objects.")
        List<String> topics,
    @JsonPropertyDescription(
            "Consumer group; default tributary-<namespace>-<name>. A group you name must start"
                + " with tributary-<namespace>- (groups are confined to their namespace). Offsets"
                + " are committed in the group (inside the transaction with exactly-once).")
        String consumerGroup,
    @JsonPropertyDescription(
            "Where to start when the group has no offset: earliest (default) or latest.")
        StartingOffsets startingOffsets,
    @JsonPropertyDescription(
            "Deprecated: use security. Secret key holding a SASL JAAS config line; means SASL_SSL"
                + " with the JVM's trust store and the mechanism of the login module.")
        SecretKeyRef saslJaasSecretRef,
    @JsonPropertyDescription(
            "How to reach the brokers: protocol, TLS trust and client certificate, SASL"
                + " credentials; default PLAINTEXT.")
        KafkaSecurity security) {

  /** Reads {@code topics} from {@code bootstrapServers}, every option at its default. */
  public static KafkaSource of(String bootstrapServers, List<String> topics) {
    return new KafkaSource(bootstrapServers, topics, null, null, null, null);
  }

  public KafkaSource withStartingOffsets(StartingOffsets offsets) {
    return new KafkaSource(
        bootstrapServers, topics, consumerGroup, offsets, saslJaasSecretRef, security);
  }

  public KafkaSource withSaslJaasSecretRef(SecretKeyRef ref) {
    return new KafkaSource(bootstrapServers, topics, consumerGroup, startingOffsets, ref, security);
  }

  /** The same source in consumer group {@code group}. */
  public KafkaSource withConsumerGroup(String group) {
    return new KafkaSource(
        bootstrapServers, topics, group, startingOffsets, saslJaasSecretRef, security);
  }

  /** The same source reached with {@code security}. */
  public KafkaSource withSecurity(KafkaSecurity security) {
    return new KafkaSource(
        bootstrapServers, topics, consumerGroup, startingOffsets, saslJaasSecretRef, security);
  }

  /** Offset reset policy. */
  public enum StartingOffsets {
    @JsonProperty("earliest")
    EARLIEST,
    @JsonProperty("latest")
    LATEST
  }
}

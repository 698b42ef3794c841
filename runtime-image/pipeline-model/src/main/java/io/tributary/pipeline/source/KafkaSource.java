package io.tributary.pipeline.source;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.tributary.pipeline.SecretKeyRef;
import java.util.List;

/** JSON records from Kafka topics. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KafkaSource(
    @Required
        @Pattern("^[^,\\s]+:[0-9]+(,[^,\\s]+:[0-9]+)*$")
        @JsonPropertyDescription("Bootstrap servers, host:port[,host:port].")
        String bootstrapServers,
    @Required @Size(min = 1) @JsonPropertyDescription("Topics to read; records are JSON objects.")
        List<String> topics,
    @JsonPropertyDescription(
            "Consumer group; default tributary-<namespace>-<name>. Offsets are committed in the"
                + " group (inside the transaction with exactly-once).")
        String consumerGroup,
    @JsonPropertyDescription(
            "Where to start when the group has no offset: earliest (default) or latest.")
        StartingOffsets startingOffsets,
    @JsonPropertyDescription(
            "Secret key holding a SASL JAAS config line, for brokers that require"
                + " authentication.")
        SecretKeyRef saslJaasSecretRef) {

  /** Reads {@code topics} from {@code bootstrapServers}, every option at its default. */
  public static KafkaSource of(String bootstrapServers, List<String> topics) {
    return new KafkaSource(bootstrapServers, topics, null, null, null);
  }

  public KafkaSource withStartingOffsets(StartingOffsets offsets) {
    return new KafkaSource(bootstrapServers, topics, consumerGroup, offsets, saslJaasSecretRef);
  }

  public KafkaSource withSaslJaasSecretRef(SecretKeyRef ref) {
    return new KafkaSource(bootstrapServers, topics, consumerGroup, startingOffsets, ref);
  }

  /** The same source in consumer group {@code group}. */
  public KafkaSource withConsumerGroup(String group) {
    return new KafkaSource(bootstrapServers, topics, group, startingOffsets, saslJaasSecretRef);
  }

  /** Offset reset policy. */
  public enum StartingOffsets {
    @JsonProperty("earliest")
    EARLIEST,
    @JsonProperty("latest")
    LATEST
  }
}

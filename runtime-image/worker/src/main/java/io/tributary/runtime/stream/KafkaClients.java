package io.tributary.runtime.stream;

import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Client configurations of a stream worker; the plan decides the few settings users choose. */
final class KafkaClients {
  private KafkaClients() {}

  static Properties consumer(StreamSettings s, String clientId) {
    Properties p = common(s.bootstrapServers(), s.sourceSaslJaas());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, s.group());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Never read output of aborted transactions, in either guarantee.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, s.startingOffsets());
    p.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    // A killed worker's partitions move after this long; short enough for a pod restart.
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
    return p;
  }

  /** A plain reader (no group) for restoring state from the changelog. */
  static Properties restoreReader(StreamSettings s, String clientId) {
    Properties p = common(s.outputBootstrapServers(), s.sinkSaslJaas());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return p;
  }

  static Properties producer(StreamSettings s, String clientId, String transactionalId) {
    Properties p = common(s.outputBootstrapServers(), s.sinkSaslJaas());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(128 * 1024));
    if (transactionalId != null) {
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
      // A worker that dies with an open transaction blocks read_committed readers of its
      // partitions until this expires, unless it restarts with the same id first.
      p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
    }
    return p;
  }

  static Properties admin(String bootstrap, String jaas) {
    return common(bootstrap, jaas);
  }

  private static Properties common(String bootstrap, String jaas) {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    if (jaas != null) {
      p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
      p.put(SaslConfigs.SASL_JAAS_CONFIG, jaas);
      p.put(SaslConfigs.SASL_MECHANISM, mechanismOf(jaas));
    }
    return p;
  }

  /** The SASL mechanism implied by the JAAS login module. */
  static String mechanismOf(String jaas) {
    if (jaas.contains("ScramLoginModule")) {
      return "SCRAM-SHA-512";
    }
    if (jaas.contains("OAuthBearerLoginModule")) {
      return "OAUTHBEARER";
    }
    return "PLAIN";
  }
}

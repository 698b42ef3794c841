package io.tributary.runtime.stream;

import io.tributary.plan.KafkaClientSettings;
import io.tributary.plan.KafkaEndpoint;
import java.util.Properties;

/** The stream worker's clients, as {@link KafkaClientSettings} builds them for its settings. */
final class KafkaClients {
  private KafkaClients() {}

  static Properties consumer(StreamSettings s, String clientId) {
    return KafkaClientSettings.properties(
        KafkaClientSettings.streamConsumer(input(s), s.group(), clientId, s.startingOffsets()));
  }

  /** A plain reader (no group) for restoring state from the changelog. */
  static Properties restoreReader(StreamSettings s, String clientId) {
    return KafkaClientSettings.properties(
        KafkaClientSettings.stateRestoreReader(output(s), clientId));
  }

  static Properties producer(StreamSettings s, String clientId, String transactionalId) {
    return KafkaClientSettings.properties(
        KafkaClientSettings.streamProducer(output(s), clientId, transactionalId));
  }

  static Properties inputAdmin(StreamSettings s) {
    return KafkaClientSettings.properties(KafkaClientSettings.admin(input(s)));
  }

  static Properties outputAdmin(StreamSettings s) {
    return KafkaClientSettings.properties(KafkaClientSettings.admin(output(s)));
  }

  private static KafkaEndpoint input(StreamSettings s) {
    return new KafkaEndpoint(s.bootstrapServers(), s.sourceSaslJaas());
  }

  private static KafkaEndpoint output(StreamSettings s) {
    return new KafkaEndpoint(s.outputBootstrapServers(), s.sinkSaslJaas());
  }
}

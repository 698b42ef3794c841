package io.tributary.runtime.stream;

import io.tributary.plan.KafkaClientSettings;
import java.util.Properties;

/** The stream worker's clients, as {@link KafkaClientSettings} builds them for its settings. */
final class KafkaClients {
  private KafkaClients() {}

  static Properties consumer(StreamSettings s, String clientId) {
    return KafkaClientSettings.properties(
        KafkaClientSettings.streamConsumer(s.input(), s.group(), clientId, s.startingOffsets()));
  }

  /** A plain reader (no group) for restoring state from the changelog. */
  static Properties restoreReader(StreamSettings s, String clientId) {
    return KafkaClientSettings.properties(
        KafkaClientSettings.stateRestoreReader(s.output(), clientId));
  }

  static Properties producer(StreamSettings s, String clientId, String transactionalId) {
    return KafkaClientSettings.properties(
        KafkaClientSettings.streamProducer(s.output(), clientId, transactionalId));
  }

  /** The MQTT bridge's producer into the ingest topic, on the source's cluster. */
  static Properties mqttIngestProducer(StreamSettings s, String clientId) {
    return KafkaClientSettings.properties(
        KafkaClientSettings.mqttIngestProducer(s.input(), clientId));
  }

  static Properties inputAdmin(StreamSettings s) {
    return KafkaClientSettings.properties(KafkaClientSettings.admin(s.input()));
  }

  static Properties outputAdmin(StreamSettings s) {
    return KafkaClientSettings.properties(KafkaClientSettings.admin(s.output()));
  }
}

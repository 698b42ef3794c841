package io.tributary.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.operator.autoscale.LagSource;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.runtime.testing.KafkaBroker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Consumer-group lag as the operator reads it, from a real broker. */
class KafkaLagSourceIT {
  private static KafkaBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void lagIsEndOffsetsMinusCommittedAcrossPartitions() throws Exception {
    broker.createTopic("lag.orders", 3);
    for (int i = 0; i < 30; i++) broker.produce("lag.orders", "k" + i, "{\"i\":" + i + "}");
    try (KafkaLagSource source = new KafkaLagSource()) {
      // A group that never committed is behind by everything.
      LagSource.Lag fresh =
          source.read(
              KafkaEndpoint.plain(broker.bootstrapServers()), "g-new", List.of("lag.orders"));
      assertThat(fresh.lag()).isEqualTo(30);
      assertThat(fresh.partitions()).isEqualTo(3);

      // Commit part of each partition: lag is what is left.
      var ends =
          broker
              .admin()
              .listOffsets(
                  Map.of(
                      new TopicPartition("lag.orders", 0),
                          org.apache.kafka.clients.admin.OffsetSpec.latest(),
                      new TopicPartition("lag.orders", 1),
                          org.apache.kafka.clients.admin.OffsetSpec.latest(),
                      new TopicPartition("lag.orders", 2),
                          org.apache.kafka.clients.admin.OffsetSpec.latest()))
              .all()
              .get();
      Map<TopicPartition, OffsetAndMetadata> committed = new java.util.HashMap<>();
      long expected = 0;
      for (var e : ends.entrySet()) {
        long end = e.getValue().offset();
        long at = end / 2;
        committed.put(e.getKey(), new OffsetAndMetadata(at));
        expected += end - at;
      }
      broker.admin().alterConsumerGroupOffsets("g-half", committed).all().get();
      assertThat(
              source
                  .read(
                      KafkaEndpoint.plain(broker.bootstrapServers()),
                      "g-half",
                      List.of("lag.orders"))
                  .lag())
          .isEqualTo(expected);
    }
  }

  @Test
  void anUnknownTopicIsAnErrorNotZeroLag() {
    // The broker's own answer, not a timeout or a bug of ours: the autoscaler must be told the
    // topic does not exist rather than see zero lag and scale to nothing.
    try (KafkaLagSource source = new KafkaLagSource()) {
      assertThatThrownBy(
              () ->
                  source.read(
                      KafkaEndpoint.plain(broker.bootstrapServers()),
                      "g",
                      List.of("no.such.topic")))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(UnknownTopicOrPartitionException.class)
          .hasMessageContaining("does not host this topic-partition");
    }
  }
}

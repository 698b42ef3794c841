package io.tributary.operator.kafka;

import io.tributary.operator.autoscale.LagSource;
import io.tributary.plan.KafkaClientSettings;
import io.tributary.plan.KafkaEndpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer-group lag from the Kafka admin API: end offsets minus committed offsets, read with
 * read_committed isolation so transaction markers do not count as lag. The admin client has the
 * settings {@link KafkaClientSettings#lagReader} gives every lag reader, the source's SASL
 * credentials included. One admin client per cluster and credentials (the map key is the endpoint,
 * never logged: its toString redacts the JAAS line), kept for the operator's life; jobs sharing a
 * cluster and credentials share it.
 */
public final class KafkaLagSource implements LagSource, AutoCloseable {
  private static final long TIMEOUT_SECONDS = 10;
  private final Map<KafkaEndpoint, Admin> admins = new ConcurrentHashMap<>();

  @Override
  public Lag read(KafkaEndpoint cluster, String group, List<String> topics) throws Exception {
    Admin admin = admin(cluster);
    Map<String, TopicDescription> described =
        admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    described
        .values()
        .forEach(
            d ->
                d.partitions()
                    .forEach(
                        p ->
                            latest.put(
                                new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        admin
            .listOffsets(
                latest,
                new org.apache.kafka.clients.admin.ListOffsetsOptions(
                    org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
            .all()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    long lag = 0;
    for (var e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      long position = c == null ? 0 : c.offset();
      lag += Math.max(0, e.getValue().offset() - position);
    }
    return new Lag(lag, latest.size());
  }

  private Admin admin(KafkaEndpoint cluster) {
    return admins.computeIfAbsent(
        cluster,
        c -> Admin.create(KafkaClientSettings.properties(KafkaClientSettings.lagReader(c))));
  }

  @Override
  public void close() {
    admins.values().forEach(Admin::close);
  }
}

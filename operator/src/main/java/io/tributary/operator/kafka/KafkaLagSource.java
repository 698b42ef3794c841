package io.tributary.operator.kafka;

import io.tributary.operator.autoscale.LagSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer-group lag from the Kafka admin API: end offsets minus committed offsets, read with
 * read_committed isolation so transaction markers do not count as lag. One admin client per
 * bootstrap string, kept for the operator's life.
 */
public final class KafkaLagSource implements LagSource, AutoCloseable {
  private static final long TIMEOUT_SECONDS = 10;
  private final Map<String, Admin> admins = new ConcurrentHashMap<>();

  @Override
  public Lag read(String bootstrapServers, String group, List<String> topics) throws Exception {
    Admin admin = admins.computeIfAbsent(bootstrapServers, KafkaLagSource::admin);
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

  private static Admin admin(String bootstrapServers) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "tributary-operator-lag");
    return Admin.create(p);
  }

  @Override
  public void close() {
    admins.values().forEach(Admin::close);
  }
}

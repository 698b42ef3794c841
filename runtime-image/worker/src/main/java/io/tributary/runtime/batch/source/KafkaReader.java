package io.tributary.runtime.batch.source;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.plan.KafkaClientSettings;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.runtime.batch.RecordSource;
import io.tributary.runtime.batch.RunFailure;
import io.tributary.runtime.batch.SecretFiles;
import io.tributary.runtime.transform.RecordJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Kafka topics as a bounded input: from the group's committed offsets (or the reset policy)
 * up to the end offsets seen when the run starts ({@code read_committed}, so the last stable
 * offsets). Offsets are committed only after the sink committed — or inside the sink's Kafka
 * transaction when the sink is Kafka.
 */
public final class KafkaReader implements RecordSource {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaReader.class);
  private static final Duration STALL_LIMIT = Duration.ofMinutes(2);

  private final KafkaSource spec;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
  private boolean offsetsCommittedBySink;
  private String currentKey;

  public KafkaReader(KafkaSource spec, SecretFiles secrets) {
    this.spec = spec;
    KafkaEndpoint cluster = KafkaEndpoint.of(spec, secrets::read);
    Properties p =
        KafkaClientSettings.properties(
            KafkaClientSettings.batchReader(
                cluster,
                spec.consumerGroup(),
                spec.startingOffsets().name().toLowerCase(java.util.Locale.ROOT)));
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public void read(Handler out) throws Exception {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : spec.topics()) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw RunFailure.permanent("source.kafka.topics: topic " + topic + " does not exist", null);
      }
      infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
    }
    consumer.assign(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    Set<TopicPartition> remaining = new HashSet<>();
    for (TopicPartition tp : partitions) {
      long pos = consumer.position(tp);
      offsets.put(tp, new OffsetAndMetadata(pos));
      if (pos < end.get(tp)) remaining.add(tp);
    }
    LOG.info("reading {} partitions up to the end offsets seen at start", partitions.size());
    long lastProgress = System.nanoTime();
    while (!remaining.isEmpty()) {
      var batch = consumer.poll(Duration.ofMillis(500));
      for (ConsumerRecord<String, byte[]> r : batch) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (r.offset() >= end.get(tp)) {
          continue;
        }
        accept(r, out);
        offsets.put(tp, new OffsetAndMetadata(r.offset() + 1));
      }
      for (TopicPartition tp : new ArrayList<>(remaining)) {
        long pos = consumer.position(tp);
        if (pos >= end.get(tp)) {
          remaining.remove(tp);
          consumer.pause(List.of(tp));
          offsets.put(tp, new OffsetAndMetadata(end.get(tp)));
        }
      }
      if (!batch.isEmpty()) {
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > STALL_LIMIT.toNanos()) {
        throw RunFailure.retryable(
            "source.kafka: no progress for " + STALL_LIMIT + " with " + remaining + " unfinished",
            null);
      }
    }
  }

  /**
   * One record through the strict reader: a value that is not a record (a tombstone, not JSON,
   * invalid UTF-8, a number beyond a double, a field twice) is dead-lettered with its position and
   * the reason, so the run goes on and the offset moves past it.
   */
  private void accept(ConsumerRecord<String, byte[]> r, Handler out) throws Exception {
    ObjectNode o;
    try {
      o = RecordJson.parse(r.value());
    } catch (RecordJson.NotARecord e) {
      String where = r.topic() + "-" + r.partition() + "@" + r.offset();
      out.reject(
          where + ": " + e.getMessage(),
          r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
      return;
    }
    currentKey = r.key();
    try {
      out.accept(o);
    } finally {
      currentKey = null;
    }
  }

  /**
   * The Kafka key of the record being handed to the chain right now (the chain runs synchronously,
   * so a Kafka sink sees it while writing that record's output); null between records.
   */
  public String currentKey() {
    return currentKey;
  }

  /** The next offset of every partition read, for a Kafka sink's transaction. */
  public Map<TopicPartition, OffsetAndMetadata> offsets() {
    return Map.copyOf(offsets);
  }

  public ConsumerGroupMetadata groupMetadata() {
    return consumer.groupMetadata();
  }

  /** The sink committed the offsets in its transaction: nothing left to commit here. */
  public void offsetsCommittedInTransaction() {
    offsetsCommittedBySink = true;
  }

  @Override
  public void afterCommit() {
    if (!offsetsCommittedBySink && !offsets.isEmpty()) {
      consumer.commitSync(offsets);
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}

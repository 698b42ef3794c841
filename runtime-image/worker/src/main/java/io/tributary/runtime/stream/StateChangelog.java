package io.tributary.runtime.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.runtime.transform.StateEntry;
import io.tributary.runtime.transform.TransformChain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The state of stateful steps, kept in a compacted topic. The state of input partition (t, p) is
 * written to changelog partition {@code p mod n}, keyed by {@code {"t","p","s","k"}} (input topic,
 * partition, step, entry key), so compaction keeps the last value of each entry and a tombstone
 * deletes it. Changes go out in the same transaction as the output and the offsets, so the state
 * restored after a crash matches exactly the input that is not re-read.
 */
final class StateChangelog {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String topic;
  private final int partitions;

  StateChangelog(String topic, int partitions) {
    this.topic = topic;
    this.partitions = partitions;
  }

  String topic() {
    return topic;
  }

  int partitionFor(TopicPartition input) {
    return input.partition() % partitions;
  }

  ProducerRecord<byte[], byte[]> record(TopicPartition input, StateEntry e) {
    ObjectNode key =
        MAPPER
            .createObjectNode()
            .put("t", input.topic())
            .put("p", input.partition())
            .put("s", e.step())
            .put("k", e.key());
    try {
      byte[] value = e.value() == null ? null : MAPPER.writeValueAsBytes(e.value());
      return new ProducerRecord<>(topic, partitionFor(input), MAPPER.writeValueAsBytes(key), value);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /**
   * Reads the changelog partition of {@code input} to its end (read_committed) into {@code chain}.
   *
   * @return entries applied
   */
  long restore(KafkaConsumer<byte[], byte[]> reader, TopicPartition input, TransformChain chain) {
    TopicPartition tp = new TopicPartition(topic, partitionFor(input));
    reader.assign(List.of(tp));
    reader.seekToBeginning(List.of(tp));
    long end = reader.endOffsets(List.of(tp)).get(tp);
    long applied = 0;
    while (reader.position(tp) < end) {
      for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
        JsonNode key = read(r.key());
        if (key == null
            || !input.topic().equals(key.path("t").asText())
            || input.partition() != key.path("p").asInt(-1)) {
          continue;
        }
        JsonNode value = r.value() == null ? null : read(r.value());
        chain.restore(new StateEntry(key.path("s").asText(), key.path("k").asText(), value));
        applied++;
      }
    }
    reader.assign(List.of());
    return applied;
  }

  private static JsonNode read(byte[] bytes) {
    try {
      return bytes == null ? null : MAPPER.readTree(bytes);
    } catch (IOException e) {
      return null;
    }
  }

  static int partitionsNeeded(Map<String, Integer> inputPartitions) {
    return inputPartitions.values().stream().mapToInt(Integer::intValue).max().orElse(1);
  }
}

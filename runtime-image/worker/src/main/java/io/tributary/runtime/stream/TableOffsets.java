package io.tributary.runtime.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka offsets a stream keeps in an Iceberg table's snapshot summaries: each commit of the
 * lake sink records, under {@value #GROUP}, its consumer group and, under {@value #OFFSETS}, the
 * next offset to read of every partition it owned, e.g. {@code {"orders":{"0":1200,"3":977}}}.
 *
 * <p>Several workers of one group commit to the same table, each for the partitions it owns, and a
 * batch backfill commits without offsets: the position of a partition is the value in the newest
 * snapshot of the table's current history that names it for this group. Pure: the summaries come
 * in, newest first.
 */
final class TableOffsets {
  /** Snapshot summary property: the consumer group whose offsets the commit carries. */
  static final String GROUP = "tributary.kafka.group";

  /** Snapshot summary property: the next offset to read per topic and partition, as JSON. */
  static final String OFFSETS = "tributary.kafka.offsets";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TableOffsets() {}

  /** The summary value of {@code offsets}, topics and partitions in order. */
  static String encode(Map<TopicPartition, Long> offsets) {
    Map<String, Map<Integer, Long>> byTopic = new TreeMap<>();
    offsets.forEach(
        (tp, o) ->
            byTopic.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), o));
    ObjectNode out = JSON.createObjectNode();
    byTopic.forEach(
        (topic, partitions) -> {
          ObjectNode t = out.putObject(topic);
          partitions.forEach((p, o) -> t.put(Integer.toString(p), o));
        });
    return out.toString();
  }

  /** The offsets of a summary value; an unreadable value names none. */
  static Map<TopicPartition, Long> decode(String value) {
    Map<TopicPartition, Long> out = new HashMap<>();
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      return out;
    }
    if (root == null || !root.isObject()) return out;
    for (Iterator<Map.Entry<String, JsonNode>> topics = root.fields(); topics.hasNext(); ) {
      Map.Entry<String, JsonNode> topic = topics.next();
      for (Iterator<Map.Entry<String, JsonNode>> ps = topic.getValue().fields(); ps.hasNext(); ) {
        Map.Entry<String, JsonNode> p = ps.next();
        if (p.getValue().canConvertToLong() && p.getKey().matches("\\d{1,9}")) {
          out.put(
              new TopicPartition(topic.getKey(), Integer.parseInt(p.getKey())),
              p.getValue().asLong());
        }
      }
    }
    return out;
  }

  /**
   * The next offset to read of each of {@code wanted} that a commit of {@code group} recorded: the
   * newest value wins. Partitions no commit of the group names are absent.
   *
   * @param summariesNewestFirst the snapshot summaries of the table's current history
   */
  static Map<TopicPartition, Long> find(
      Iterable<Map<String, String>> summariesNewestFirst,
      String group,
      Collection<TopicPartition> wanted) {
    Map<TopicPartition, Long> found = new HashMap<>();
    Set<TopicPartition> missing = new HashSet<>(wanted);
    for (Map<String, String> summary : summariesNewestFirst) {
      if (missing.isEmpty()) break;
      String value = summary.get(OFFSETS);
      if (value == null || !group.equals(summary.get(GROUP))) continue;
      Map<TopicPartition, Long> offsets = decode(value);
      for (Iterator<TopicPartition> it = missing.iterator(); it.hasNext(); ) {
        TopicPartition tp = it.next();
        Long o = offsets.get(tp);
        if (o != null) {
          found.put(tp, o);
          it.remove();
        }
      }
    }
    return found;
  }

  /**
   * Why a commit of {@code committing} must not happen: a partition whose newest offset in the
   * table ({@code now}) is not where this writer's interval started ({@code base}; absent when the
   * table had none) was committed meanwhile by another writer, which owns it now. Empty when every
   * partition is still where this writer left it.
   */
  static Optional<String> movedOn(
      Map<TopicPartition, Long> now,
      Map<TopicPartition, Long> base,
      Collection<TopicPartition> committing) {
    List<String> moved = new ArrayList<>();
    for (TopicPartition tp : committing) {
      if (!Objects.equals(now.get(tp), base.get(tp))) {
        moved.add(
            tp + " is at " + now.get(tp) + " in the table, this worker started at " + base.get(tp));
      }
    }
    return moved.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "another worker committed partitions this worker still wrote: "
                + String.join(", ", moved)
                + "; they were reassigned (this worker missed it), so its interval is dropped");
  }
}

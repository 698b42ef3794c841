package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Drops a record whose key (the values of the key fields) was first seen less than {@code window}
 * ago, by processing time. A repeat does not extend the window. A record missing a key field, or
 * with a null one, cannot be identified and is rejected.
 */
final class DedupeStep implements StatefulStep {
  private final List<String> keyFields;
  private final long windowMillis;
  // Insertion order is first-seen order, so expiry scans from the head.
  private final LinkedHashMap<String, Long> firstSeen = new LinkedHashMap<>();
  private final Set<String> changed = new HashSet<>();
  private final int maxKeys;
  private long evicted;

  /**
   * @param maxKeys keys remembered at most; the plan compiler always sets it
   */
  DedupeStep(List<String> keyFields, Duration window, int maxKeys) {
    this.keyFields = List.copyOf(keyFields);
    this.windowMillis = window.toMillis();
    this.maxKeys = maxKeys;
  }

  @Override
  public Step fresh() {
    return new DedupeStep(keyFields, Duration.ofMillis(windowMillis), maxKeys);
  }

  static String key(ObjectNode record, List<String> fields, boolean nullAllowed) {
    ArrayNode key = JsonNodeFactory.instance.arrayNode(fields.size());
    for (String f : fields) {
      JsonNode v = record.get(f);
      if (v == null || v.isNull()) {
        if (!nullAllowed) {
          throw new StepRejection("key field '" + f + "' is missing or null");
        }
        v = JsonNodeFactory.instance.nullNode();
      }
      key.add(v);
    }
    return key.toString();
  }

  @Override
  public void process(ObjectNode record, Instant now, Consumer<ObjectNode> out) {
    String key = key(record, keyFields, false);
    long t = now.toEpochMilli();
    Long seen = firstSeen.get(key);
    if (seen != null && t - seen < windowMillis) {
      return;
    }
    if (seen != null) {
      firstSeen.remove(key);
    }
    firstSeen.put(key, t);
    changed.add(key);
    if (firstSeen.size() > maxKeys) {
      // The head is the key seen longest ago: the one a repeat is least likely to hit.
      Iterator<Map.Entry<String, Long>> oldest = firstSeen.entrySet().iterator();
      changed.add(oldest.next().getKey());
      oldest.remove();
      evicted++;
    }
    out.accept(record);
  }

  @Override
  public long drainEvictions() {
    long n = evicted;
    evicted = 0;
    return n;
  }

  @Override
  public void flush(Instant now, Consumer<ObjectNode> out) {
    // Batch runs flush with Instant.MAX at the end of input.
    long t = Timestamps.millis(now);
    Iterator<Map.Entry<String, Long>> it = firstSeen.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Long> e = it.next();
      if (t - e.getValue() < windowMillis) {
        break;
      }
      it.remove();
      changed.add(e.getKey());
    }
  }

  @Override
  public void drainChanges(BiConsumer<String, JsonNode> changes) {
    for (String key : changed) {
      Long t = firstSeen.get(key);
      changes.accept(key, t == null ? null : JsonNodeFactory.instance.objectNode().put("t", t));
    }
    changed.clear();
  }

  @Override
  public void snapshot(BiConsumer<String, JsonNode> entries) {
    firstSeen.forEach(
        (k, t) -> entries.accept(k, JsonNodeFactory.instance.objectNode().put("t", t)));
  }

  @Override
  public void restore(String key, JsonNode value) {
    firstSeen.remove(key);
    if (value != null) {
      firstSeen.put(key, value.path("t").asLong());
    }
  }

  @Override
  public int size() {
    return firstSeen.size();
  }
}

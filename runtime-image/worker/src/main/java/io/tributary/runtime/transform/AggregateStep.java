package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.AggregateTransform.Aggregation;
import io.tributary.pipeline.transform.AggregateTransform.Function;
import io.tributary.plan.FieldFlow;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Tumbling-window aggregates by key. A window [start, start + size) is emitted, one record per key
 * with the key fields, {@code window_start}, {@code window_end} (ISO-8601) and the aggregates, by
 * the first flush at or after its end. With a timestamp field, a record whose window was already
 * emitted is late and rejected; with processing time nothing is ever late.
 *
 * <p>Missing or null key fields group as null. A missing or null input field is skipped by
 * sum/avg/min/max (count still counts the record); a non-numeric one rejects the record.
 */
final class AggregateStep implements StatefulStep {
  static final String CLOSED_KEY = "#closed";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final AggregateTransform spec;
  private final List<String> keyFields;
  private final long sizeMillis;
  // Ordered by window start, then key: flush stops at the first open window.
  private final TreeMap<String, Acc> windows = new TreeMap<>();
  private final Set<String> changed = new HashSet<>();
  private long closedUntil = Long.MIN_VALUE;
  private boolean closedChanged;

  AggregateStep(AggregateTransform spec, Duration window) {
    this.spec = spec;
    this.keyFields = spec.keyFields() == null ? List.of() : List.copyOf(spec.keyFields());
    this.sizeMillis = window.toMillis();
  }

  @Override
  public Step fresh() {
    return new AggregateStep(spec, Duration.ofMillis(sizeMillis));
  }

  @Override
  public void process(ObjectNode record, Instant now, Consumer<ObjectNode> out) {
    long t = eventTime(record, now);
    long start = Math.floorDiv(t, sizeMillis) * sizeMillis;
    if (start + sizeMillis <= closedUntil) {
      throw new StepRejection(
          "late: the window "
              + Instant.ofEpochMilli(start)
              + " of field '"
              + spec.timestampField()
              + "' was already emitted");
    }
    double[] values = new double[spec.aggregations().size()];
    boolean[] present = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      Aggregation a = spec.aggregations().get(i);
      if (a.function() == Function.COUNT) {
        continue;
      }
      JsonNode v = record.get(a.field());
      if (v == null || v.isNull()) {
        continue;
      }
      if (!v.isNumber()) {
        throw new StepRejection(
            "field '"
                + a.field()
                + "' is a "
                + Timestamps.kind(v)
                + ", "
                + a.function()
                + " needs a number (normalize it with number: true)");
      }
      values[i] = v.doubleValue();
      present[i] = true;
    }
    String windowKey = windowKey(start, DedupeStep.key(record, keyFields, true));
    Acc acc = windows.get(windowKey);
    if (acc == null) {
      if (windows.size() >= spec.maxWindows()) {
        throw new StepRejection(
            "aggregate state is full: "
                + spec.maxWindows()
                + " (key, window) pairs are open (maxWindows); raise maxWindows, shorten the"
                + " window, or check the keys and event times (a far-future time opens a window"
                + " that stays open)");
      }
      acc = new Acc(values.length);
      windows.put(windowKey, acc);
    }
    acc.add(values, present);
    changed.add(windowKey);
  }

  private long eventTime(ObjectNode record, Instant now) {
    if (spec.timestampField() == null) {
      return now.toEpochMilli();
    }
    JsonNode v = record.get(spec.timestampField());
    if (v == null || v.isNull()) {
      throw new StepRejection("timestamp field '" + spec.timestampField() + "' is missing or null");
    }
    try {
      return Timestamps.parse(v, null).toEpochMilli();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new StepRejection("timestamp field '" + spec.timestampField() + "' " + e.getMessage());
    }
  }

  // Fixed-width, sign-safe start so that string order is time order.
  private static String windowKey(long start, String key) {
    return String.format("%020d", start + (1L << 62)) + "|" + key;
  }

  private static long windowStart(String windowKey) {
    return Long.parseLong(windowKey.substring(0, windowKey.indexOf('|'))) - (1L << 62);
  }

  @Override
  public void flush(Instant now, Consumer<ObjectNode> out) {
    flush(
        now,
        out,
        (r, e) -> {
          throw e;
        });
  }

  @Override
  public void flush(
      Instant now, Consumer<ObjectNode> out, BiConsumer<ObjectNode, StepRejection> refused) {
    long t = Timestamps.millis(now);
    Iterator<Map.Entry<String, Acc>> it = windows.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Acc> e = it.next();
      long start = windowStart(e.getKey());
      if (start + sizeMillis > t) {
        break;
      }
      it.remove();
      changed.add(e.getKey());
      ObjectNode result = result(e.getKey(), start, e.getValue());
      String overflow = overflow(result);
      if (overflow == null) {
        out.accept(result);
      } else {
        refused.accept(result, new StepRejection(overflow));
      }
    }
    if (spec.timestampField() != null && t > closedUntil) {
      closedUntil = t;
      closedChanged = true;
    }
  }

  private ObjectNode result(String windowKey, long start, Acc acc) {
    ObjectNode o = JSON.objectNode();
    ArrayNode key = parseKey(windowKey);
    for (int i = 0; i < keyFields.size(); i++) {
      o.set(keyFields.get(i), key.get(i));
    }
    // The names later steps and lineage expect (FieldFlow.WINDOW_FIELDS).
    o.put(FieldFlow.WINDOW_FIELDS.get(0), Instant.ofEpochMilli(start).toString());
    o.put(FieldFlow.WINDOW_FIELDS.get(1), Instant.ofEpochMilli(start + sizeMillis).toString());
    for (int i = 0; i < spec.aggregations().size(); i++) {
      Aggregation a = spec.aggregations().get(i);
      o.set(a.as(), acc.value(i, a.function()));
    }
    return o;
  }

  /**
   * Why a window's result must not leave (a sum or average of finite values that overflowed a
   * double: JSON has no Infinity), or null.
   */
  private String overflow(ObjectNode result) {
    for (Aggregation a : spec.aggregations()) {
      JsonNode v = result.get(a.as());
      if (v.isNumber() && !Double.isFinite(v.doubleValue())) {
        return "aggregate '"
            + a.as()
            + "' ("
            + a.function().name().toLowerCase()
            + ") is "
            + v.doubleValue()
            + ", not a finite number";
      }
    }
    return null;
  }

  private static ArrayNode parseKey(String windowKey) {
    try {
      return (ArrayNode) MAPPER.readTree(windowKey.substring(windowKey.indexOf('|') + 1));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("corrupt aggregate key", e);
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Override
  public void drainChanges(BiConsumer<String, JsonNode> changes) {
    for (String k : changed) {
      Acc acc = windows.get(k);
      changes.accept(k, acc == null ? null : acc.toJson());
    }
    changed.clear();
    if (closedChanged) {
      changes.accept(CLOSED_KEY, JSON.objectNode().put("t", closedUntil));
      closedChanged = false;
    }
  }

  @Override
  public void snapshot(BiConsumer<String, JsonNode> entries) {
    windows.forEach((k, acc) -> entries.accept(k, acc.toJson()));
    if (closedUntil != Long.MIN_VALUE) {
      entries.accept(CLOSED_KEY, JSON.objectNode().put("t", closedUntil));
    }
  }

  @Override
  public void restore(String key, JsonNode value) {
    if (CLOSED_KEY.equals(key)) {
      closedUntil = value == null ? Long.MIN_VALUE : value.path("t").asLong();
      return;
    }
    if (value == null) {
      windows.remove(key);
    } else {
      windows.put(key, Acc.fromJson(value, spec.aggregations().size()));
    }
  }

  @Override
  public int size() {
    return windows.size();
  }

  /** Running count and per-aggregation sum/n/min/max of one key and window. */
  static final class Acc {
    long count;
    final double[] sum;
    final long[] n;
    final double[] min;
    final double[] max;

    Acc(int size) {
      sum = new double[size];
      n = new long[size];
      min = new double[size];
      max = new double[size];
    }

    void add(double[] values, boolean[] present) {
      count++;
      for (int i = 0; i < values.length; i++) {
        if (!present[i]) {
          continue;
        }
        double v = values[i];
        min[i] = n[i] == 0 ? v : Math.min(min[i], v);
        max[i] = n[i] == 0 ? v : Math.max(max[i], v);
        sum[i] += v;
        n[i]++;
      }
    }

    JsonNode value(int i, Function f) {
      return switch (f) {
        case COUNT -> JSON.numberNode(count);
        case SUM -> number(sum[i]);
        case AVG -> n[i] == 0 ? JSON.nullNode() : JSON.numberNode(sum[i] / n[i]);
        case MIN -> n[i] == 0 ? JSON.nullNode() : number(min[i]);
        case MAX -> n[i] == 0 ? JSON.nullNode() : number(max[i]);
      };
    }

    private static JsonNode number(double d) {
      return Double.isFinite(d) ? NormalizeStep.number(BigDecimal.valueOf(d)) : JSON.numberNode(d);
    }

    ObjectNode toJson() {
      ObjectNode o = JSON.objectNode().put("c", count);
      ArrayNode a = o.putArray("a");
      for (int i = 0; i < sum.length; i++) {
        a.addObject().put("s", sum[i]).put("n", n[i]).put("lo", min[i]).put("hi", max[i]);
      }
      return o;
    }

    static Acc fromJson(JsonNode json, int size) {
      Acc acc = new Acc(size);
      acc.count = json.path("c").asLong();
      JsonNode a = json.path("a");
      for (int i = 0; i < size && i < a.size(); i++) {
        acc.sum[i] = a.get(i).path("s").asDouble();
        acc.n[i] = a.get(i).path("n").asLong();
        acc.min[i] = a.get(i).path("lo").asDouble();
        acc.max[i] = a.get(i).path("hi").asDouble();
      }
      return acc;
    }
  }
}

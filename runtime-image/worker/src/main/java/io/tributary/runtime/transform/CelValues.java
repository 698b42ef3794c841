package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts JSON values to the Java values CEL evaluates, and CEL results back to JSON. */
final class CelValues {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private CelValues() {}

  /** JSON integers become int (Long), other numbers double, null the CEL null. */
  static Object toCel(JsonNode node) {
    switch (node.getNodeType()) {
      case STRING:
        return node.textValue();
      case BOOLEAN:
        return node.booleanValue();
      case NUMBER:
        return node.canConvertToLong() && node.isIntegralNumber()
            ? (Object) node.longValue()
            : (Object) node.doubleValue();
      case ARRAY:
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode e : node) {
          list.add(toCel(e));
        }
        return list;
      case OBJECT:
        Map<String, Object> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          map.put(e.getKey(), toCel(e.getValue()));
        }
        return map;
      case BINARY:
        return node.asText();
      default:
        return NullValue.NULL_VALUE;
    }
  }

  /**
   * A CEL result as JSON: timestamps become ISO-8601 UTC strings, durations seconds, bytes base64.
   */
  static JsonNode toJson(Object value) {
    if (value == null || value instanceof NullValue) {
      return JSON.nullNode();
    }
    if (value instanceof String s) {
      return JSON.textNode(s);
    }
    if (value instanceof Boolean b) {
      return JSON.booleanNode(b);
    }
    if (value instanceof Long l) {
      return JSON.numberNode(l);
    }
    if (value instanceof Integer i) {
      return JSON.numberNode((long) i);
    }
    if (value instanceof Double d) {
      if (!Double.isFinite(d)) {
        // JSON has no Infinity or NaN: it would leave as a string where a number is expected.
        throw new StepRejection("the expression's result is " + d + ", not a finite number");
      }
      return JSON.numberNode(d);
    }
    if (value instanceof UnsignedLong u) {
      return JSON.numberNode(u.bigIntegerValue());
    }
    if (value instanceof CelByteString b) {
      return JSON.textNode(Base64.getEncoder().encodeToString(b.toByteArray()));
    }
    if (value instanceof com.google.protobuf.ByteString b) {
      return JSON.textNode(Base64.getEncoder().encodeToString(b.toByteArray()));
    }
    if (value instanceof com.google.protobuf.Timestamp t) {
      return JSON.textNode(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString());
    }
    if (value instanceof Instant t) {
      return JSON.textNode(t.toString());
    }
    if (value instanceof com.google.protobuf.Duration d) {
      return JSON.numberNode(d.getSeconds() + d.getNanos() / 1e9);
    }
    if (value instanceof java.time.Duration d) {
      // toNanos() overflows past 292 years; seconds and nanos never do.
      return JSON.numberNode(d.getSeconds() + d.getNano() / 1e9);
    }
    if (value instanceof Map<?, ?> m) {
      ObjectNode o = JSON.objectNode();
      m.forEach((k, v) -> o.set(String.valueOf(k), toJson(v)));
      return o;
    }
    if (value instanceof Iterable<?> items) {
      ArrayNode a = JSON.arrayNode();
      items.forEach(v -> a.add(toJson(v)));
      return a;
    }
    return JSON.textNode(String.valueOf(value));
  }
}

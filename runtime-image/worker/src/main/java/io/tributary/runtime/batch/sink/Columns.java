package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.SinkSchema;
import io.tributary.runtime.batch.BadRecordException;
import io.tributary.runtime.transform.RecordJson;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of a file written to the lake: from the plan's sink schema (the fields at the sink,
 * computed by the plan compiler) when there is one, else inferred from the first records. Pure
 * functions, no I/O.
 */
public final class Columns {

  /** Column types a lake file can hold. */
  public enum Type {
    STRING,
    LONG,
    DOUBLE,
    BOOLEAN,
    TIMESTAMP,
    JSON
  }

  /** One column. */
  public record Column(String name, Type type) {}

  private Columns() {}

  /** The columns of the sink schema, minus {@code exclude} (the partition columns). */
  public static List<Column> fromSchema(SinkSchema schema, Collection<String> exclude) {
    List<Column> out = new ArrayList<>();
    for (SinkSchema.Column f : schema.columns()) {
      if (exclude.contains(f.name())) {
        continue;
      }
      Type t =
          switch (f.type()) {
            case STRING -> Type.STRING;
            case INTEGER -> Type.LONG;
            case NUMBER -> Type.DOUBLE;
            case BOOLEAN -> Type.BOOLEAN;
            case TIMESTAMP -> Type.TIMESTAMP;
            case OBJECT, ARRAY -> Type.JSON;
          };
      out.add(new Column(f.name(), t));
    }
    return out;
  }

  /**
   * Infers columns from sample records, in first-seen order: integers that also appear as decimals
   * widen to DOUBLE; any other disagreement, or a field that is only ever null, becomes STRING.
   */
  public static List<Column> infer(List<ObjectNode> sample, Collection<String> exclude) {
    Map<String, Type> types = new LinkedHashMap<>();
    for (ObjectNode r : sample) {
      Iterator<Map.Entry<String, JsonNode>> it = r.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (exclude.contains(e.getKey())) {
          continue;
        }
        Type seen = typeOf(e.getValue());
        if (seen == null) {
          types.putIfAbsent(e.getKey(), null);
        } else {
          types.merge(e.getKey(), seen, Columns::widen);
        }
      }
    }
    List<Column> out = new ArrayList<>();
    types.forEach((k, v) -> out.add(new Column(k, v == null ? Type.STRING : v)));
    return out;
  }

  private static Type typeOf(JsonNode v) {
    if (v == null || v.isNull()) return null;
    if (v.isIntegralNumber()) return v.canConvertToLong() ? Type.LONG : Type.STRING;
    if (v.isNumber()) return Type.DOUBLE;
    if (v.isBoolean()) return Type.BOOLEAN;
    if (v.isContainerNode()) return Type.JSON;
    return Type.STRING;
  }

  private static Type widen(Type a, Type b) {
    if (a == b) return a;
    if ((a == Type.LONG && b == Type.DOUBLE) || (a == Type.DOUBLE && b == Type.LONG)) {
      return Type.DOUBLE;
    }
    return Type.STRING;
  }

  /**
   * Converts a JSON value to the column's Java value (String, Long, Double, Boolean, or epoch
   * micros for TIMESTAMP); null for a missing or null value.
   */
  public static Object convert(Column c, JsonNode v) throws BadRecordException {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    switch (c.type()) {
      case STRING:
        return v.isContainerNode() ? v.toString() : v.asText();
      case JSON:
        return v.isTextual() ? v.textValue() : v.toString();
      case LONG:
        if (v.isIntegralNumber() && v.canConvertToLong()) return v.longValue();
        if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue())) {
          return (long) v.doubleValue();
        }
        if (v.isTextual()) {
          try {
            return Long.parseLong(v.textValue().trim());
          } catch (NumberFormatException e) {
            // fall through to the error below
          }
        }
        throw bad(c, v, "an integer");
      case DOUBLE:
        double d;
        if (v.isNumber()) {
          d = v.doubleValue();
        } else if (v.isTextual()) {
          try {
            d = Double.parseDouble(v.textValue().trim());
          } catch (NumberFormatException e) {
            throw bad(c, v, "a number");
          }
        } else {
          throw bad(c, v, "a number");
        }
        // "NaN" and "Infinity" parse, and a Parquet DOUBLE would hold them; readers expect numbers.
        String refused = RecordJson.refusal(d);
        if (refused != null) {
          throw new BadRecordException("sink", "field " + c.name() + ": " + refused);
        }
        return d;
      case BOOLEAN:
        if (v.isBoolean()) return v.booleanValue();
        if (v.isTextual() && ("true".equals(v.textValue()) || "false".equals(v.textValue()))) {
          return Boolean.parseBoolean(v.textValue());
        }
        throw bad(c, v, "a boolean");
      case TIMESTAMP:
        if (v.isIntegralNumber()) return Math.multiplyExact(v.longValue(), 1000L);
        if (v.isTextual()) {
          long fast = utcMicros(v.textValue());
          if (fast != Long.MIN_VALUE) return fast;
          Instant t = parseInstant(v.textValue());
          if (t != null) return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
        }
        throw bad(c, v, "an ISO-8601 timestamp or epoch millis");
      default:
        throw new IllegalStateException(c.type().name());
    }
  }

  /**
   * Epoch microseconds of {@code yyyy-MM-ddTHH:mm:ss[.fraction][Z]} (UTC; no zone means UTC), the
   * form the sources write, without the cost of a java.time parser; {@code Long.MIN_VALUE} for
   * anything else (the caller falls back to {@link #parseInstant}).
   */
  static long utcMicros(String s) {
    int n = s.length();
    if (n < 19
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return Long.MIN_VALUE;
    }
    int end = s.charAt(n - 1) == 'Z' ? n - 1 : n;
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > 31
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return Long.MIN_VALUE;
    }
    long micros = 0;
    if (end > 19) {
      if (s.charAt(19) != '.' || end - 20 < 1 || end - 20 > 9) return Long.MIN_VALUE;
      int frac = digits(s, 20, end);
      if (frac < 0) return Long.MIN_VALUE;
      micros = frac;
      for (int i = end - 20; i < 6; i++) micros *= 10;
      for (int i = end - 20; i > 6; i--) micros /= 10;
    }
    long days;
    try {
      days = LocalDate.of(year, month, day).toEpochDay();
    } catch (java.time.DateTimeException e) {
      return Long.MIN_VALUE;
    }
    return ((days * 24 + hour) * 60 + minute) * 60_000_000L + second * 1_000_000L + micros;
  }

  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** ISO-8601 instant, offset date-time, local date-time (taken as UTC) or date; else null. */
  public static Instant parseInstant(String s) {
    try {
      if (s.length() <= 10) {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      char last = s.charAt(s.length() - 1);
      if (last == 'Z' || s.lastIndexOf('+') > 10 || s.lastIndexOf('-') > 10) {
        return OffsetDateTime.parse(s).toInstant();
      }
      return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static BadRecordException bad(Column c, JsonNode v, String expected) {
    return new BadRecordException(
        "sink",
        "field "
            + c.name()
            + ": expected "
            + expected
            + " for column type "
            + c.type().name().toLowerCase()
            + ", got "
            + v.getNodeType().name().toLowerCase());
  }
}

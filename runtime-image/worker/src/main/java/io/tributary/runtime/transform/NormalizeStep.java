package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.transform.NormalizeTransform;
import io.tributary.pipeline.transform.NormalizeTransform.Rule;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Normalizes field values. Per rule the operations run in a fixed order: trim, NFC, case, number,
 * scale, timestamp. A missing or null field is left alone; a value of the wrong type (e.g. trim on
 * a number, a string that is not a number) rejects the record, naming the field.
 */
final class NormalizeStep implements Step {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** Digits and exponent a double can hold (about 1.8e308), with room to spare. */
  private static final int MAX_EXPONENT = 400;

  private static final int MAX_NUMBER_TEXT = 1000;

  private record Compiled(Rule rule, DateTimeFormatter pattern, BigDecimal scale) {}

  private final List<Compiled> rules;

  NormalizeStep(NormalizeTransform spec) {
    List<Compiled> list = new ArrayList<>();
    for (int i = 0; i < spec.rules().size(); i++) {
      Rule r = spec.rules().get(i);
      // The plan check made sure the pattern is one java.time reads.
      DateTimeFormatter pattern =
          r.timestampPattern() == null
              ? null
              : DateTimeFormatter.ofPattern(r.timestampPattern(), Locale.ROOT);
      BigDecimal scale = r.scale() == null ? null : BigDecimal.valueOf(r.scale());
      list.add(new Compiled(r, pattern, scale));
    }
    this.rules = List.copyOf(list);
  }

  @Override
  public void process(ObjectNode record, Instant now, Consumer<ObjectNode> out) {
    for (Compiled c : rules) {
      String field = c.rule().field();
      JsonNode v = record.get(field);
      if (v == null || v.isNull()) {
        continue;
      }
      record.set(field, apply(c, field, v));
    }
    out.accept(record);
  }

  private static JsonNode apply(Compiled c, String field, JsonNode v) {
    Rule r = c.rule();
    if (Boolean.TRUE.equals(r.trim())) {
      v = JSON.textNode(text(field, v, "trim").strip());
    }
    if (Boolean.TRUE.equals(r.unicodeNfc())) {
      v = JSON.textNode(Normalizer.normalize(text(field, v, "unicodeNfc"), Normalizer.Form.NFC));
    }
    if (r.toCase() != null) {
      String s = text(field, v, "toCase");
      v = JSON.textNode(changeCase(s, r.toCase() == NormalizeTransform.Case.LOWER));
    }
    if (Boolean.TRUE.equals(r.number())) {
      v = number(toDecimal(field, v));
    }
    if (c.scale() != null) {
      if (!v.isNumber()) {
        throw new StepRejection(
            "field '"
                + field
                + "' is a "
                + Timestamps.kind(v)
                + ": scale needs a number (add"
                + " number: true to parse strings)");
      }
      BigDecimal scaled = finite(field, v.decimalValue()).multiply(c.scale());
      v = number(finite(field, scaled));
    }
    if (Boolean.TRUE.equals(r.timestamp())) {
      try {
        v = JSON.textNode(Timestamps.parse(v, c.pattern()).toString());
      } catch (IllegalArgumentException | java.time.DateTimeException e) {
        throw new StepRejection("field '" + field + "' " + e.getMessage());
      }
    }
    return v;
  }

  /** Text this long or shorter changes case in one call. */
  static final int CASE_CHUNK = 256;

  /**
   * Lower or upper case (root locale) in time linear in the length. The JDK's String case change
   * reallocates its result each time a character grows ('İ' lowers to two chars, 'ß' uppers to
   * "SS"), so a 1 MB string of them takes minutes: one record would stall its partition. Long text
   * is changed a chunk at a time, cut after a non-letter where one is near so that
   * context-dependent rules (Greek final sigma) see whole words, and never inside a surrogate pair.
   */
  static String changeCase(String s, boolean lower) {
    if (s.length() <= CASE_CHUNK) {
      return lower ? s.toLowerCase(Locale.ROOT) : s.toUpperCase(Locale.ROOT);
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    int start = 0;
    while (start < s.length()) {
      int end = Math.min(s.length(), start + CASE_CHUNK);
      if (end < s.length()) {
        int cut = end;
        while (cut > start + CASE_CHUNK / 2 && Character.isLetter(s.charAt(cut - 1))) cut--;
        if (cut > start + CASE_CHUNK / 2) end = cut;
        if (Character.isHighSurrogate(s.charAt(end - 1))) end--;
      }
      String part = s.substring(start, end);
      b.append(lower ? part.toLowerCase(Locale.ROOT) : part.toUpperCase(Locale.ROOT));
      start = end;
    }
    return b.toString();
  }

  private static String text(String field, JsonNode v, String op) {
    if (!v.isTextual()) {
      throw new StepRejection(
          "field '" + field + "' is a " + Timestamps.kind(v) + ": " + op + " needs a string");
    }
    return v.textValue();
  }

  /** Accepts numbers and strings like " 1,234.50 " (comma as thousands separator). */
  static BigDecimal toDecimal(String field, JsonNode v) {
    if (v.isNumber()) {
      return finite(field, v.decimalValue());
    }
    if (v.isTextual()) {
      String s = v.textValue().strip().replace(",", "").replace("_", "");
      if (s.length() > MAX_NUMBER_TEXT) {
        throw new StepRejection("field '" + field + "' is a string too long to be a number");
      }
      try {
        return finite(field, new BigDecimal(s));
      } catch (NumberFormatException e) {
        throw new StepRejection("field '" + field + "' is not a number");
      }
    }
    throw new StepRejection("field '" + field + "' is a " + Timestamps.kind(v) + ", not a number");
  }

  /**
   * Refuses what no JSON consumer reads as a number: beyond a double's range, or with an exponent
   * so large that scaling or printing it ("1e999999999" in plain digits) costs gigabytes.
   */
  private static BigDecimal finite(String field, BigDecimal d) {
    if (Math.abs((long) d.precision() - d.scale()) > MAX_EXPONENT
        || Math.abs(d.scale()) > MAX_EXPONENT
        || !Double.isFinite(d.doubleValue())) {
      throw new StepRejection("field '" + field + "' is a number beyond a double's range");
    }
    return d;
  }

  /** Integral values as JSON integers, others as doubles. */
  static JsonNode number(BigDecimal d) {
    BigDecimal stripped = d.stripTrailingZeros();
    if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 18) {
      return JSON.numberNode(stripped.longValueExact());
    }
    return JSON.numberNode(d.doubleValue());
  }
}

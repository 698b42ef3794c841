package io.tributary.runtime.transform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.io.CharConversionException;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * The one way a worker reads a record from bytes or text and writes it back, for both engines.
 * Records are JSON objects; anything else is refused with a reason for the dead-letter header,
 * never thrown past the caller:
 *
 * <ul>
 *   <li>a number that does not fit a finite double ({@code 1e400}) — it would leave as the string
 *       {@code "Infinity"}, or break every step that computes with it;
 *   <li>a number with more than {@value #MAX_NUMBER_DIGITS} digits or an exponent beyond ±{@value
 *       #MAX_EXPONENT} — {@code 1e999999999} as a BigDecimal costs gigabytes once scaled;
 *   <li>the same field twice in one object — which value counts differs between readers, so the
 *       record is ambiguous;
 *   <li>invalid UTF-8, nesting deeper than {@value #MAX_DEPTH}, a string or document over Jackson's
 *       limits, and text that is not JSON or not an object.
 * </ul>
 */
public final class RecordJson {
  static final int MAX_DEPTH = 200;
  static final int MAX_NUMBER_DIGITS = 400;
  static final int MAX_EXPONENT = 400;

  /** A value that is not a record this worker accepts; the message names why (no values). */
  public static final class NotARecord extends Exception {
    public NotARecord(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Thrown by the node factory while parsing; turned into {@link NotARecord}. */
  private static final class RefusedNumber extends RuntimeException {
    RefusedNumber(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Refuses non-finite and absurd numbers as they are parsed, so no record holding one exists. The
   * check sits in the parser's own node construction: no second walk over the record.
   */
  private static final class FiniteNodes extends JsonNodeFactory {
    FiniteNodes() {
      super(false);
    }

    @Override
    public NumericNode numberNode(double v) {
      if (!Double.isFinite(v)) {
        throw new RefusedNumber("a number is too large for a double (it would be " + v + ")");
      }
      return super.numberNode(v);
    }

    @Override
    public NumericNode numberNode(float v) {
      return numberNode((double) v);
    }

    @Override
    public ValueNode numberNode(Double v) {
      return v == null ? nullNode() : numberNode(v.doubleValue());
    }

    @Override
    public ValueNode numberNode(BigDecimal v) {
      if (v != null && (v.precision() > MAX_NUMBER_DIGITS || Math.abs(v.scale()) > MAX_EXPONENT)) {
        throw new RefusedNumber("a number has more digits or a larger exponent than 400");
      }
      return super.numberNode(v);
    }
  }

  // Number text <-> double conversion shows up in profiles of the record path; Jackson's fast
  // double parser and writer are exact and cheaper than the JDK's.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          .maxNumberLength(MAX_NUMBER_DIGITS)
                          .build())
                  .build())
          .nodeFactory(new FiniteNodes())
          // "{...} x" and "{...}{...}" are not one record: never read the first and drop the rest.
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final ObjectReader READER = MAPPER.reader();
  private static final ObjectWriter WRITER = MAPPER.writerFor(ObjectNode.class);

  private RecordJson() {}

  /**
   * Why a typed value (a JDBC {@code double precision}, a Parquet {@code DOUBLE}, a CSV field typed
   * {@code number}) cannot be a number of a record, or null when it can: the same rule as for JSON
   * text, so a value gets the same verdict whichever source it comes from. NaN and ±Infinity have
   * no JSON form and would leave as the string {@code "NaN"}.
   */
  public static String refusal(double v) {
    return Double.isFinite(v) ? null : v + " is not a finite number (JSON has no NaN or Infinity)";
  }

  /**
   * Why a typed decimal (a JDBC {@code numeric}) cannot be a number of a record, or null: beyond a
   * double's range ({@code 1e400}, which consumers read as Infinity), or more digits or a larger
   * exponent than the JSON reader accepts.
   */
  public static String refusal(BigDecimal v) {
    // Below 10^308 a decimal always fits a double; only past it is the conversion needed.
    if ((long) v.precision() - v.scale() > 308 && !Double.isFinite(v.doubleValue())) {
      return "a number too large for a double (it would be Infinity)";
    }
    if (v.precision() > MAX_NUMBER_DIGITS || Math.abs(v.scale()) > MAX_EXPONENT) {
      return "a number with more digits or a larger exponent than " + MAX_NUMBER_DIGITS;
    }
    return null;
  }

  /** Reads one record from UTF-8 bytes (a Kafka value, a JSON line). */
  public static ObjectNode parse(byte[] value) throws NotARecord {
    if (value == null) {
      throw new NotARecord("the value is null (a tombstone), not a JSON object");
    }
    int bad = invalidUtf8At(value);
    if (bad >= 0) {
      throw new NotARecord("the value is not valid UTF-8 (at byte " + bad + ")");
    }
    try {
      return object(READER.readTree(value));
    } catch (IOException | RefusedNumber e) {
      throw refused(e);
    }
  }

  /** Reads one record from text (a decoded line). */
  public static ObjectNode parse(String text) throws NotARecord {
    try {
      return object(READER.readTree(text));
    } catch (IOException | RefusedNumber e) {
      throw refused(e);
    }
  }

  /** Reads any JSON value (an HTTP page holding an array of records, say) with the same rules. */
  public static JsonNode parseAny(byte[] value) throws NotARecord {
    try {
      JsonNode node = READER.readTree(value);
      if (node == null || node.isMissingNode()) {
        throw new NotARecord("the value is empty, not JSON");
      }
      return node;
    } catch (IOException | RefusedNumber e) {
      throw refused(e);
    }
  }

  /**
   * The record as UTF-8 JSON.
   *
   * @throws Unwritable when the record holds what UTF-8 JSON cannot carry (a lone surrogate read
   *     from a {@code \ud800} escape): the caller dead-letters the record
   */
  public static byte[] write(ObjectNode record) {
    try {
      return WRITER.writeValueAsBytes(record);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new Unwritable(
          "the record cannot be written as UTF-8 JSON (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** A record that cannot be written; unchecked, since it crosses the chain's callbacks. */
  public static final class Unwritable extends RuntimeException {
    public Unwritable(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * The offset of the first byte that breaks UTF-8 (RFC 3629), or -1. Jackson's decoder accepts
   * overlong forms ({@code C0 AF} for '/') and encoded surrogates, which let one text hide as
   * another; this refuses them. ASCII, most of any record, costs one comparison a byte.
   */
  public static int invalidUtf8At(byte[] b) {
    int i = 0;
    int n = b.length;
    while (i < n) {
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xFF;
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) lo = 0xA0; // no overlong 3-byte forms
        if (c == 0xED) hi = 0x9F; // no UTF-16 surrogates
      } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) lo = 0x90; // no overlong 4-byte forms
        if (c == 0xF4) hi = 0x8F; // nothing past U+10FFFF
      } else {
        return i; // C0, C1, F5-FF never appear; 80-BF cannot start a character
      }
      if (i + need >= n) return i; // cut short
      int second = b[i + 1] & 0xFF;
      if (second < lo || second > hi) return i;
      for (int k = 2; k <= need; k++) {
        int next = b[i + k] & 0xFF;
        if (next < 0x80 || next > 0xBF) return i;
      }
      i += need + 1;
    }
    return -1;
  }

  private static ObjectNode object(JsonNode node) throws NotARecord {
    if (node instanceof ObjectNode o) {
      return o;
    }
    if (node == null || node.isMissingNode()) {
      throw new NotARecord("the value is empty, not a JSON object");
    }
    throw new NotARecord(
        "the value is JSON " + node.getNodeType().name().toLowerCase() + ", not an object");
  }

  private static NotARecord refused(Exception e) {
    if (e instanceof RefusedNumber) {
      return new NotARecord(e.getMessage());
    }
    Throwable cause = e.getCause();
    if (cause instanceof RefusedNumber) {
      return new NotARecord(cause.getMessage());
    }
    if (e instanceof StreamConstraintsException s) {
      return new NotARecord("the value exceeds a JSON limit: " + s.getOriginalMessage());
    }
    if (e instanceof CharConversionException) {
      return new NotARecord("the value is not valid UTF-8" + at(e));
    }
    if (e instanceof JsonProcessingException j) {
      String m = j.getOriginalMessage();
      if (m != null && m.startsWith("Duplicate field ")) {
        // "Duplicate field 'x'": the name is the record's, not a value, so it may be named.
        return new NotARecord("the value has the field " + m.substring(16) + " twice");
      }
      return new NotARecord("the value is not JSON: " + syntax(m) + at(e));
    }
    return new NotARecord("the value cannot be read (" + e.getClass().getSimpleName() + ")");
  }

  /**
   * What kind of syntax error, in words that never quote the input: Jackson's own messages do
   * ("Unrecognized token 'hunter2'"), and reasons end up in dead-letter headers and logs.
   */
  private static String syntax(String m) {
    if (m == null) return "a syntax error";
    if (m.contains("UTF-8") || m.contains("Invalid UTF")) return "invalid UTF-8";
    if (m.startsWith("Unrecognized token")) return "an unrecognized token";
    if (m.startsWith("Unexpected end-of-input")) return "it ends too early";
    if (m.startsWith("Unexpected character")) return "an unexpected character";
    if (m.startsWith("Trailing token")) return "content after the end of the value";
    if (m.startsWith("Illegal unquoted character")) return "an unescaped control character";
    if (m.startsWith("Non-standard token")) return "a non-standard number (NaN or Infinity)";
    if (m.startsWith("Illegal character")) return "an illegal character";
    if (m.startsWith("Unrecognized character escape")) return "an unknown escape";
    if (m.startsWith("Invalid numeric value") || m.startsWith("Leading zeroes")) {
      return "a malformed number";
    }
    return "a syntax error";
  }

  /** Where in the value, as a byte or character offset. */
  private static String at(Exception e) {
    if (e instanceof JsonProcessingException j && j.getLocation() != null) {
      long offset = j.getLocation().getByteOffset();
      if (offset < 0) offset = j.getLocation().getCharOffset();
      if (offset >= 0) return " (at offset " + offset + ")";
    }
    return "";
  }
}

package io.tributary.runtime.batch.source;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.runtime.transform.RecordJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/** Conversions between JDBC values and JSON records, watermarks and range bounds. */
final class JdbcValues {
  private JdbcValues() {}

  /**
   * A value this worker will not turn into a record field (NaN, an infinite timestamp, text that is
   * not UTF-8); the message says why without quoting the value.
   */
  static final class Refused extends Exception {
    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Copies one column of the current row into a record field. */
  @FunctionalInterface
  interface ColumnReader {
    void read(ResultSet rs, ObjectNode into) throws SQLException, Refused;
  }

  /**
   * Readers for every column of a result, chosen once from its metadata.
   *
   * @param rawText read text columns as bytes and decode them as strict UTF-8 here (the connection
   *     receives the server's bytes unconverted, see {@link JdbcReader}); else with the driver
   */
  static ColumnReader[] readers(ResultSetMetaData md, boolean rawText) throws SQLException {
    ColumnReader[] out = new ColumnReader[md.getColumnCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          reader(
              i + 1,
              md.getColumnLabel(i + 1),
              md.getColumnType(i + 1),
              md.getColumnTypeName(i + 1),
              rawText);
    }
    return out;
  }

  private static ColumnReader reader(
      int i, String name, int type, String typeName, boolean rawText) {
    switch (type) {
      case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT:
        return (rs, o) -> {
          long v = rs.getLong(i);
          if (rs.wasNull()) o.putNull(name);
          else o.put(name, v);
        };
      case Types.REAL, Types.FLOAT, Types.DOUBLE:
        return (rs, o) -> {
          double v = rs.getDouble(i);
          if (rs.wasNull()) {
            o.putNull(name);
            return;
          }
          refuse(RecordJson.refusal(v));
          o.put(name, v);
        };
      case Types.NUMERIC, Types.DECIMAL:
        return (rs, o) -> {
          BigDecimal v = decimal(rs, i);
          if (v == null) {
            o.putNull(name);
            return;
          }
          refuse(RecordJson.refusal(v));
          o.put(name, v);
        };
      case Types.BOOLEAN, Types.BIT:
        return (rs, o) -> {
          boolean v = rs.getBoolean(i);
          if (rs.wasNull()) o.putNull(name);
          else o.put(name, v);
        };
      case Types.TIMESTAMP_WITH_TIMEZONE:
        return (rs, o) -> putText(o, name, instant(finite(rs.getObject(i, OffsetDateTime.class))));
      case Types.TIMESTAMP:
        if ("timestamptz".equalsIgnoreCase(typeName)) {
          return (rs, o) ->
              putText(o, name, instant(finite(rs.getObject(i, OffsetDateTime.class))));
        }
        return (rs, o) -> putText(o, name, local(finite(rs.getObject(i, LocalDateTime.class))));
      case Types.DATE:
        return (rs, o) -> putText(o, name, finite(rs.getObject(i, LocalDate.class)));
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB:
        return (rs, o) -> {
          byte[] v = rs.getBytes(i);
          if (v == null) o.putNull(name);
          else o.put(name, Base64.getEncoder().encodeToString(v));
        };
      default:
        if (rawText) {
          return (rs, o) -> o.put(name, utf8(rs.getBytes(i)));
        }
        return (rs, o) -> o.put(name, rs.getString(i));
    }
  }

  private static void refuse(String reason) throws Refused {
    if (reason != null) {
      throw new Refused(reason);
    }
  }

  /**
   * A numeric column's value. BigDecimal has no NaN or Infinity (PostgreSQL's numeric has both
   * since version 14): the driver refuses them, and the reason should say what they are.
   */
  private static BigDecimal decimal(ResultSet rs, int i) throws SQLException, Refused {
    try {
      return rs.getBigDecimal(i);
    } catch (SQLException e) {
      String text = rs.getString(i);
      if (text != null && NON_FINITE.contains(text.strip().toLowerCase(Locale.ROOT))) {
        throw new Refused(text.strip() + " is not a finite number (JSON has no NaN or Infinity)");
      }
      throw e;
    }
  }

  private static final Set<String> NON_FINITE =
      Set.of("nan", "infinity", "-infinity", "+infinity", "inf", "-inf");

  /**
   * PostgreSQL's {@code infinity} / {@code -infinity} dates and times arrive as the types' MAX and
   * MIN: no instant, and nothing a consumer can read as one.
   */
  private static <T> T finite(T t) throws Refused {
    if (t != null
        && (t.equals(LocalDateTime.MAX)
            || t.equals(LocalDateTime.MIN)
            || t.equals(OffsetDateTime.MAX)
            || t.equals(OffsetDateTime.MIN)
            || t.equals(LocalDate.MAX)
            || t.equals(LocalDate.MIN))) {
      throw new Refused("infinity is not a point in time");
    }
    return t;
  }

  /** Text as strict UTF-8 (RFC 3629, as the JSON reader checks it). */
  private static String utf8(byte[] b) throws Refused {
    if (b == null) {
      return null;
    }
    int bad = RecordJson.invalidUtf8At(b);
    if (bad >= 0) {
      throw new Refused("the text is not valid UTF-8 (at byte " + bad + ")");
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Always with seconds (LocalDateTime.toString drops ":00"), without a zone. */
  private static String local(LocalDateTime t) {
    return t == null ? null : DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static void putText(ObjectNode o, String name, Object v) {
    if (v == null) o.putNull(name);
    else o.put(name, v.toString());
  }

  /** How a column's values are compared, bound and turned into range bounds. */
  enum Kind {
    INTEGER,
    DECIMAL,
    TIMESTAMP,
    TIMESTAMPTZ,
    DATE,
    TEXT;

    static Kind of(int type, String typeName) {
      return switch (type) {
        case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> INTEGER;
        case Types.NUMERIC, Types.DECIMAL, Types.REAL, Types.FLOAT, Types.DOUBLE -> DECIMAL;
        case Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMPTZ;
        case Types.TIMESTAMP -> "timestamptz".equalsIgnoreCase(typeName) ? TIMESTAMPTZ : TIMESTAMP;
        case Types.DATE -> DATE;
        default -> TEXT;
      };
    }
  }

  /** The value of column 1 of the current row as watermark text (ISO-8601 for times). */
  static String text(ResultSet rs, int col, Kind kind) throws SQLException {
    Object v =
        switch (kind) {
          case INTEGER -> rs.getObject(col) == null ? null : rs.getLong(col);
          case DECIMAL ->
              rs.getBigDecimal(col) == null ? null : rs.getBigDecimal(col).toPlainString();
          case TIMESTAMP -> local(rs.getObject(col, LocalDateTime.class));
          case TIMESTAMPTZ -> instant(rs.getObject(col, OffsetDateTime.class));
          case DATE -> rs.getObject(col, LocalDate.class);
          case TEXT -> rs.getString(col);
        };
    return v == null ? null : v.toString();
  }

  /** Watermark text back to a value to bind; the error names the column and the expected form. */
  static Object param(String text, Kind kind, String column) {
    try {
      return switch (kind) {
        case INTEGER -> Long.parseLong(text);
        case DECIMAL -> new BigDecimal(text);
        case TIMESTAMP -> Timestamp.valueOf(LocalDateTime.parse(text));
        case TIMESTAMPTZ ->
            OffsetDateTime.parse(text.endsWith("Z") || text.contains("+") ? text : text + "Z");
        case DATE -> java.sql.Date.valueOf(LocalDate.parse(text));
        case TEXT -> text;
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "watermark '"
              + text
              + "' does not fit column "
              + column
              + " ("
              + kind.name().toLowerCase()
              + "); use the column's own form, e.g. 42 or 2026-11-25T00:00:00",
          e);
    }
  }

  /** A range bound as a long: the number itself, or epoch microseconds for times and dates. */
  static long toLong(Object param, Kind kind) {
    return switch (kind) {
      case INTEGER -> (Long) param;
      case DECIMAL -> ((BigDecimal) param).longValue();
      case TIMESTAMP -> micros(((Timestamp) param).toLocalDateTime().toInstant(ZoneOffset.UTC));
      case TIMESTAMPTZ -> micros(((OffsetDateTime) param).toInstant());
      case DATE -> ((java.sql.Date) param).toLocalDate().toEpochDay() * 86_400_000_000L;
      case TEXT -> throw new IllegalArgumentException("text columns cannot be range-partitioned");
    };
  }

  /** The inverse of {@link #toLong}, for binding a range bound. */
  static Object fromLong(long v, Kind kind) {
    return switch (kind) {
      case INTEGER -> v;
      case DECIMAL -> BigDecimal.valueOf(v);
      case TIMESTAMP -> Timestamp.valueOf(LocalDateTime.ofInstant(fromMicros(v), ZoneOffset.UTC));
      case TIMESTAMPTZ -> fromMicros(v).atOffset(ZoneOffset.UTC);
      case DATE -> java.sql.Date.valueOf(LocalDate.ofEpochDay(Math.floorDiv(v, 86_400_000_000L)));
      case TEXT -> throw new IllegalArgumentException("text columns cannot be range-partitioned");
    };
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  private static Instant fromMicros(long v) {
    return Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1000);
  }
}

package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;

/**
 * Reads the timestamps found in records: ISO-8601 with an offset, without one (taken as UTC), a
 * bare date (midnight UTC), epoch seconds, milliseconds, microseconds or nanoseconds (told apart by
 * size, see {@link #epoch}) as a number or a digit string, or a given pattern.
 */
final class Timestamps {
  private Timestamps() {}

  /**
   * @param pattern a java.time pattern, or null for ISO-8601 / epoch millis
   * @throws IllegalArgumentException when the value is not a timestamp
   */
  static Instant parse(JsonNode value, DateTimeFormatter pattern) {
    if (value.isIntegralNumber()) {
      if (!value.canConvertToLong()) {
        throw new IllegalArgumentException("is a number too large to be a timestamp");
      }
      return epoch(value.longValue());
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("is a " + kind(value) + ", not a timestamp");
    }
    String text = value.textValue().strip();
    try {
      if (pattern != null) {
        return fromPattern(text, pattern);
      }
      if (!text.isEmpty() && text.chars().allMatch(Character::isDigit) && text.length() > 8) {
        return epoch(Long.parseLong(text));
      }
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      TemporalAccessor t =
          DateTimeFormatter.ISO_DATE_TIME.parseBest(
              text, ZonedDateTime::from, OffsetDateTime::from, LocalDateTime::from);
      if (t instanceof ZonedDateTime z) {
        return z.toInstant();
      }
      if (t instanceof OffsetDateTime o) {
        return o.toInstant();
      }
      return ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "is not a timestamp"
              + (pattern != null ? " in the given pattern" : " (ISO-8601 or epoch s/ms/µs/ns)"));
    }
  }

  private static Instant fromPattern(String text, DateTimeFormatter pattern) {
    TemporalAccessor t =
        pattern.parseBest(text, ZonedDateTime::from, LocalDateTime::from, LocalDate::from);
    if (t instanceof ZonedDateTime z) {
      return z.toInstant();
    }
    if (t instanceof LocalDateTime l) {
      return l.toInstant(ZoneOffset.UTC);
    }
    return ((LocalDate) t).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /**
   * An epoch number in the unit its size implies: producers send seconds, milliseconds,
   * microseconds (Debezium, Postgres) or nanoseconds, and reading one as another puts a record
   * decades or millennia away, where windows never close. Each unit is read unambiguously for the
   * years 1973 to 5138: below 10^11 seconds, below 10^14 milliseconds, below 10^17 microseconds,
   * else nanoseconds. Negative values (before 1970) are read the same way by their size.
   */
  static Instant epoch(long v) {
    long a = v == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(v);
    if (a < 100_000_000_000L) {
      return Instant.ofEpochSecond(v);
    }
    if (a < 100_000_000_000_000L) {
      return Instant.ofEpochMilli(v);
    }
    if (a < 100_000_000_000_000_000L) {
      return Instant.ofEpochSecond(
          Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1000);
    }
    return Instant.ofEpochSecond(
        Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L));
  }

  static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case STRING -> "string";
      case NUMBER -> "number";
      case BOOLEAN -> "bool";
      case ARRAY -> "array";
      case OBJECT -> "object";
      case NULL -> "null";
      default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** Epoch millis, saturated: {@code Instant.MAX} (end of input) is later than every record. */
  static long millis(Instant now) {
    try {
      return now.toEpochMilli();
    } catch (ArithmeticException e) {
      return now.isAfter(Instant.EPOCH) ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
  }
}

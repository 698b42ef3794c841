package io.tributary.operator.schedule;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week) read in a time zone.
 *
 * <p>Semantics follow Vixie cron: lists, ranges, steps, month and day names, {@code 7} as Sunday,
 * and when both day fields are restricted a day matches if either does. Daylight saving time is
 * handled by wall-clock time, so every matching local time fires exactly once: a time skipped by a
 * spring-forward gap fires at the end of the gap, a time repeated by a fall-back overlap fires at
 * its first occurrence. A daily 02:30 run therefore happens once on every day of the year.
 */
public final class Cron {
  static final String FIELD = "spec.schedule.cron";
  private static final String HOW =
      "use five fields 'minute hour day-of-month month day-of-week', e.g. '0 2 * * *', or"
          + " @hourly/@daily/@weekly/@monthly/@yearly";
  private static final Map<String, String> MACROS =
      Map.of(
          "@hourly", "0 * * * *",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@weekly", "0 0 * * 0",
          "@monthly", "0 0 1 * *",
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *");
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  /** A matching day exists within this many days, or never (e.g. 30 February). */
  private static final int MAX_DAYS_AHEAD = 366 * 8 + 1;

  private final String expression;
  private final ZoneId zone;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domRestricted;
  private final boolean dowRestricted;

  private Cron(String expression, ZoneId zone, String[] f) {
    this.expression = expression;
    this.zone = zone;
    this.minutes = field("minute", f[0], 0, 59, List.of());
    this.hours = field("hour", f[1], 0, 23, List.of());
    this.daysOfMonth = field("day-of-month", f[2], 1, 31, List.of());
    this.months = field("month", f[3], 1, 12, MONTHS);
    BitSet dow = field("day-of-week", f[4], 0, 7, DAYS);
    if (dow.get(7)) dow.set(0);
    this.daysOfWeek = dow;
    this.domRestricted = !(f[2].startsWith("*") || f[2].startsWith("?"));
    this.dowRestricted = !(f[4].startsWith("*") || f[4].startsWith("?"));
  }

  /**
   * Parses {@code expression} in {@code zone}.
   *
   * @throws IllegalArgumentException naming spec.schedule.cron, what is wrong and the fix
   */
  public static Cron parse(String expression, ZoneId zone) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException(FIELD + " is empty: " + HOW);
    }
    String text = expression.trim();
    String expanded = text.startsWith("@") ? MACROS.get(text.toLowerCase(Locale.ROOT)) : text;
    if (expanded == null) {
      throw new IllegalArgumentException(FIELD + " '" + text + "' is not a known macro: " + HOW);
    }
    String[] fields = expanded.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          FIELD + " '" + text + "' has " + fields.length + " fields: " + HOW);
    }
    Cron cron;
    try {
      cron = new Cron(text, zone, fields);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(FIELD + " '" + text + "': " + e.getMessage() + "; " + HOW);
    }
    if (cron.nextDay(LocalDate.of(2000, 1, 1)).isEmpty()) {
      throw new IllegalArgumentException(
          FIELD + " '" + text + "' never fires (no such date): " + HOW);
    }
    return cron;
  }

  /** Parses in the IANA zone named by {@code timeZone} (UTC when null). */
  public static Cron parse(String expression, String timeZone) {
    return parse(expression, zone(timeZone));
  }

  /**
   * The zone named by spec.schedule.timeZone.
   *
   * @throws IllegalArgumentException naming the field and the fix
   */
  public static ZoneId zone(String timeZone) {
    if (timeZone == null || timeZone.isBlank()) return ZoneId.of("UTC");
    try {
      return ZoneId.of(timeZone.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "spec.schedule.timeZone '"
              + timeZone
              + "' is not an IANA time zone: use e.g. UTC, Asia/Dubai or Europe/Berlin");
    }
  }

  public ZoneId zone() {
    return zone;
  }

  @Override
  public String toString() {
    return expression + " (" + zone + ")";
  }

  /** The first fire time strictly after {@code after}. */
  public Instant next(Instant after) {
    ZonedDateTime local = after.atZone(zone);
    LocalDate day = local.toLocalDate();
    // The start day is searched whole: after a fall-back overlap, some of its local times are
    // already past even though they come later on the wall clock.
    for (int i = 0; i <= MAX_DAYS_AHEAD; i++) {
      Optional<LocalDate> match = nextDay(day);
      if (match.isEmpty()) break;
      day = match.get();
      for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
        for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
          Instant at = resolve(LocalDateTime.of(day, LocalTime.of(h, m)));
          if (at.isAfter(after)) return at;
        }
      }
      day = day.plusDays(1);
    }
    throw new IllegalStateException(FIELD + " '" + expression + "' never fires");
  }

  /** The first fire time strictly after {@code after}, in the schedule's zone. */
  public ZonedDateTime next(ZonedDateTime after) {
    return next(after.toInstant()).atZone(zone);
  }

  /**
   * The latest fire time in {@code (notBefore, atOrBefore]}, if any. Searches windows that double
   * backwards from {@code atOrBefore}, so a minutely schedule after a year of downtime costs a few
   * dozen steps rather than half a million.
   */
  public Optional<Instant> latest(Instant notBefore, Instant atOrBefore) {
    if (!atOrBefore.isAfter(notBefore)) return Optional.empty();
    long window = 60;
    while (true) {
      Instant from = atOrBefore.minusSeconds(window);
      if (!from.isAfter(notBefore)) from = notBefore;
      Instant t = next(from);
      if (!t.isAfter(atOrBefore)) {
        Instant last = t;
        for (Instant n = next(t); !n.isAfter(atOrBefore); n = next(n)) last = n;
        return Optional.of(last);
      }
      if (from.equals(notBefore)) return Optional.empty();
      window *= 2;
    }
  }

  private Instant resolve(LocalDateTime at) {
    ZoneRules rules = zone.getRules();
    List<java.time.ZoneOffset> offsets = rules.getValidOffsets(at);
    if (offsets.isEmpty()) {
      ZoneOffsetTransition gap = rules.getTransition(at);
      return gap.getInstant();
    }
    // In an overlap the earlier offset is the first occurrence.
    return at.atZone(zone).withEarlierOffsetAtOverlap().toInstant();
  }

  private Optional<LocalDate> nextDay(LocalDate from) {
    LocalDate day = from;
    for (int i = 0; i <= MAX_DAYS_AHEAD; i++) {
      if (!months.get(day.getMonthValue())) {
        day = day.withDayOfMonth(1).plusMonths(1);
        continue;
      }
      if (dayMatches(day)) return Optional.of(day);
      day = day.plusDays(1);
    }
    return Optional.empty();
  }

  private boolean dayMatches(LocalDate day) {
    boolean dom = daysOfMonth.get(day.getDayOfMonth());
    boolean dow =
        daysOfWeek.get(day.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : day.getDayOfWeek().getValue());
    if (domRestricted && dowRestricted) return dom || dow;
    return dom && dow;
  }

  private static BitSet field(String name, String text, int min, int max, List<String> names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : text.split(",", -1)) {
      if (part.isEmpty()) throw new IllegalArgumentException(name + " has an empty list item");
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(name, part.substring(slash + 1), 1, max, List.of());
      }
      int lo;
      int hi;
      if (range.equals("*") || range.equals("?")) {
        lo = min;
        hi = max;
      } else if (range.contains("-")) {
        String[] ends = range.split("-", -1);
        if (ends.length != 2) throw new IllegalArgumentException(name + " range '" + range + "'");
        lo = number(name, ends[0], min, max, names);
        hi = number(name, ends[1], min, max, names);
        if (lo > hi) {
          throw new IllegalArgumentException(
              name + " range '" + range + "' runs backwards; write the smaller value first");
        }
      } else {
        lo = number(name, range, min, max, names);
        // "5/15" means from 5 to the end in steps of 15.
        hi = slash >= 0 ? max : lo;
      }
      for (int v = lo; v <= hi; v += step) bits.set(v);
    }
    return bits;
  }

  private static int number(String name, String text, int min, int max, List<String> names) {
    int idx = names.indexOf(text.toUpperCase(Locale.ROOT));
    // Month names count from 1, day names from 0 (SUN).
    if (idx >= 0) return names == MONTHS ? idx + 1 : idx;
    int v;
    try {
      v = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " value '" + text + "' is not a number");
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          name + " value " + v + " is out of range " + min + "-" + max);
    }
    return v;
  }
}

package io.tributary.pipeline;

import java.time.Duration;
import java.util.regex.Matcher;

/** Parses the duration strings of the spec, e.g. {@code 90s}, {@code 1h30m}, {@code 250ms}. */
public final class Durations {
  public static final String PATTERN = "^([0-9]+(ms|s|m|h|d))+$";
  private static final java.util.regex.Pattern PART =
      java.util.regex.Pattern.compile("([0-9]+)(ms|s|m|h|d)");

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the text when it is not a duration
   */
  public static Duration parse(String text) {
    if (text == null || !text.matches(PATTERN)) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: use e.g. 250ms, 30s, 5m, 1h30m or 7d");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
    }
    return total;
  }

  /** Parses {@code text}, or returns {@code fallback} when it is null. */
  public static Duration parseOr(String text, Duration fallback) {
    return text == null ? fallback : parse(text);
  }
}

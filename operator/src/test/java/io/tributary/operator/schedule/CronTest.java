package io.tributary.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronTest {

  @ParameterizedTest(name = "{0} in {1} after {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 2 * * *          | UTC | 2026-11-25T01:00:00Z | 2026-11-25T02:00:00Z",
        "0 2 * * *          | UTC | 2026-11-25T02:00:00Z | 2026-11-26T02:00:00Z",
        "*/15 * * * *       | UTC | 2026-11-25T10:07:30Z | 2026-11-25T10:15:00Z",
        "5/20 * * * *       | UTC | 2026-11-25T10:26:00Z | 2026-11-25T10:45:00Z",
        "0,30 8-9 * * *     | UTC | 2026-11-25T08:31:00Z | 2026-11-25T09:00:00Z",
        "0 9-17/4 * * *     | UTC | 2026-11-25T13:00:00Z | 2026-11-25T17:00:00Z",
        "0 6 * * MON-FRI    | UTC | 2026-11-27T06:00:00Z | 2026-11-30T06:00:00Z",
        "0 6 * * sat        | UTC | 2026-11-25T00:00:00Z | 2026-11-28T06:00:00Z",
        "0 0 * * 7          | UTC | 2026-11-25T00:00:00Z | 2026-11-29T00:00:00Z",
        "0 0 1 jan,JUL *    | UTC | 2026-11-25T00:00:00Z | 2027-01-01T00:00:00Z",
        "0 0 13 * FRI       | UTC | 2026-11-01T00:00:00Z | 2026-11-06T00:00:00Z",
        "0 0 13 * FRI       | UTC | 2026-11-12T00:00:00Z | 2026-11-13T00:00:00Z",
        // As in Vixie cron, a day field starting with * is unrestricted: both must match.
        "0 0 */10 * MON     | UTC | 2026-11-01T00:00:00Z | 2026-12-21T00:00:00Z",
        "0 0 29 2 *         | UTC | 2026-03-01T00:00:00Z | 2028-02-29T00:00:00Z",
        "0 0 31 * *         | UTC | 2026-11-01T00:00:00Z | 2026-12-31T00:00:00Z",
        "@hourly            | UTC | 2026-11-25T10:00:00Z | 2026-11-25T11:00:00Z",
        "@daily             | UTC | 2026-11-25T10:00:00Z | 2026-11-26T00:00:00Z",
        "@weekly            | UTC | 2026-11-25T10:00:00Z | 2026-11-29T00:00:00Z",
        "@monthly           | UTC | 2026-11-25T10:00:00Z | 2026-12-01T00:00:00Z",
        "@yearly            | UTC | 2026-11-25T10:00:00Z | 2027-01-01T00:00:00Z",
        "@ANNUALLY          | UTC | 2026-11-25T10:00:00Z | 2027-01-01T00:00:00Z",
        // Dubai is UTC+4 all year: 02:00 there is 22:00 UTC the day before.
        "0 2 * * *          | Asia/Dubai | 2026-11-25T00:00:00Z | 2026-11-25T22:00:00Z",
        "0 2 * * *          | Asia/Dubai | 2026-03-28T23:00:00Z | 2026-03-29T22:00:00Z",
      })
  void nextFireTime(String expr, String zone, String after, String expected) {
    Cron cron = Cron.parse(expr.trim(), zone.trim());
    assertThat(cron.next(Instant.parse(after.trim()))).isEqualTo(Instant.parse(expected.trim()));
  }

  @Test
  void springForwardFiresASkippedTimeOnceAtTheEndOfTheGap() {
    // Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC); 02:30 does not exist.
    Cron cron = Cron.parse("30 2 * * *", ZoneId.of("Europe/Berlin"));
    assertThat(fires(cron, "2026-03-28T00:00:00Z", 3))
        .containsExactly(
            "2026-03-28T01:30:00Z", // 02:30 CET
            "2026-03-29T01:00:00Z", // the gap's end, 03:00 CEST
            "2026-03-30T00:30:00Z"); // 02:30 CEST
  }

  @Test
  void springForwardCollapsesTheSkippedHourOfAFrequentSchedule() {
    Cron cron = Cron.parse("*/30 * * * *", ZoneId.of("Europe/Berlin"));
    assertThat(fires(cron, "2026-03-29T00:15:00Z", 4))
        .containsExactly(
            "2026-03-29T00:30:00Z", // 01:30 CET
            "2026-03-29T01:00:00Z", // 02:00 and 02:30 do not exist: once, at 03:00 CEST
            "2026-03-29T01:30:00Z", // 03:30 CEST
            "2026-03-29T02:00:00Z");
  }

  @Test
  void fallBackRunsARepeatedTimeOnlyOnce() {
    // Berlin 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    Cron cron = Cron.parse("30 2 * * *", ZoneId.of("Europe/Berlin"));
    assertThat(fires(cron, "2026-10-24T12:00:00Z", 2))
        .containsExactly("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z");
    // Asking from inside the repeated hour does not fire it a second time.
    assertThat(cron.next(Instant.parse("2026-10-25T01:10:00Z")))
        .isEqualTo(Instant.parse("2026-10-26T01:30:00Z"));
  }

  @Test
  void fallBackHourlyFiresEveryWallClockHourOnce() {
    Cron cron = Cron.parse("0 * * * *", ZoneId.of("Europe/London"));
    // London 2026-10-25: 02:00 BST falls back to 01:00 GMT.
    assertThat(fires(cron, "2026-10-24T23:30:00Z", 3))
        .containsExactly(
            "2026-10-25T00:00:00Z", // 01:00 BST
            "2026-10-25T02:00:00Z", // 02:00 GMT (01:00 was already run, in BST)
            "2026-10-25T03:00:00Z");
  }

  @Test
  void latestFindsTheLastMissedTimeAfterLongDowntimeCheaply() {
    Cron minutely = Cron.parse("* * * * *", ZoneId.of("UTC"));
    assertThat(
            minutely.latest(
                Instant.parse("2025-11-25T10:00:00Z"), Instant.parse("2026-11-25T10:30:45Z")))
        .contains(Instant.parse("2026-11-25T10:30:00Z"));
    Cron daily = Cron.parse("0 2 * * *", ZoneId.of("UTC"));
    assertThat(
            daily.latest(
                Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-25T10:00:00Z")))
        .contains(Instant.parse("2026-11-25T02:00:00Z"));
    // The lower bound is exclusive and the upper inclusive.
    assertThat(
            daily.latest(
                Instant.parse("2026-11-25T02:00:00Z"), Instant.parse("2026-11-26T01:59:00Z")))
        .isEmpty();
    assertThat(
            daily.latest(
                Instant.parse("2026-11-25T02:00:00Z"), Instant.parse("2026-11-26T02:00:00Z")))
        .contains(Instant.parse("2026-11-26T02:00:00Z"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 2 * *        | has 4 fields",
        "0 2 * * * *    | has 6 fields",
        "61 * * * *     | minute value 61 is out of range 0-59",
        "0 24 * * *     | hour value 24 is out of range 0-23",
        "0 0 0 * *      | day-of-month value 0 is out of range 1-31",
        "0 0 * 13 *     | month value 13 is out of range 1-12",
        "0 0 * * 8      | day-of-week value 8 is out of range 0-7",
        "0 0 * FOO *    | month value 'FOO' is not a number",
        "5-1 * * * *    | runs backwards",
        "1,,2 * * * *   | empty list item",
        "@fortnightly   | is not a known macro",
        "0 0 30 2 *     | never fires",
      })
  void parseErrorsNameTheFieldAndTheFix(String expr, String problem) {
    assertThatThrownBy(() -> Cron.parse(expr.trim(), ZoneId.of("UTC")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("spec.schedule.cron")
        .hasMessageContaining(problem.trim())
        .hasMessageContaining("use five fields 'minute hour day-of-month month day-of-week'");
  }

  @Test
  void unknownTimeZoneNamesTheField() {
    assertThatThrownBy(() -> Cron.parse("0 2 * * *", "Mars/Olympus_Mons"))
        .hasMessageStartingWith(
            "spec.schedule.timeZone 'Mars/Olympus_Mons' is not an IANA time zone")
        .hasMessageContaining("Asia/Dubai");
    assertThat(Cron.parse("0 2 * * *", (String) null).zone()).isEqualTo(ZoneId.of("UTC"));
  }

  private static List<String> fires(Cron cron, String after, int n) {
    List<String> out = new ArrayList<>();
    Instant t = Instant.parse(after);
    for (int i = 0; i < n; i++) {
      t = cron.next(t);
      out.add(t.toString());
    }
    return out;
  }
}

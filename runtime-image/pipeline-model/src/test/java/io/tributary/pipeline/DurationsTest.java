package io.tributary.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({
    "250ms, PT0.25S",
    "90s, PT1M30S",
    "5m, PT5M",
    "1m30s, PT1M30S",
    "1h30m, PT1H30M",
    "2h1ms, PT2H0.001S",
    "7d, PT168H",
    "0s, PT0S"
  })
  void partsAddUp(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"5 minutes", "1.5h", "m5", "-5s", "5", "5S", "1h 30m", "30sec"})
  void aWrongDurationIsRefusedNamingTheText(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + text + "' is not a duration: use e.g. 250ms, 30s, 5m, 1h30m or 7d");
  }

  @ParameterizedTest
  @NullAndEmptySource
  void nothingIsNotADurationEither(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'" + text + "' is not a duration");
  }

  @Test
  void parseOrFallsBackOnlyWhenTheTextIsAbsent() {
    assertThat(Durations.parseOr(null, Duration.ofMinutes(7))).isEqualTo(Duration.ofMinutes(7));
    assertThat(Durations.parseOr("10s", Duration.ofMinutes(7))).isEqualTo(Duration.ofSeconds(10));
    assertThatThrownBy(() -> Durations.parseOr("ten seconds", Duration.ofMinutes(7)))
        .hasMessageContaining("'ten seconds'");
  }
}

package io.tributary.runtime.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimestampsTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "1764460800, 2025-11-30T00:00:00Z",
    "1764460800123, 2025-11-30T00:00:00.123Z",
    "1764460800123456, 2025-11-30T00:00:00.123456Z",
    "1764460800123456789, 2025-11-30T00:00:00.123456789Z",
    "-86400, 1969-12-31T00:00:00Z",
    "99999999999, 5138-11-16T09:46:39Z",
    "100000000000, 1973-03-03T09:46:40Z",
  })
  void epochNumbersAreReadInTheUnitTheirSizeImplies(long value, String expected) {
    assertThat(Timestamps.parse(JSON.numberNode(value), null)).isEqualTo(Instant.parse(expected));
    if (value > 999_999_999L) { // digit strings of 9 or more digits are epoch numbers too
      assertThat(Timestamps.parse(JSON.textNode(String.valueOf(value)), null))
          .isEqualTo(Instant.parse(expected));
    }
  }
}

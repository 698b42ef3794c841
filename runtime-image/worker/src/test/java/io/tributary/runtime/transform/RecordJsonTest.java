package io.tributary.runtime.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordJsonTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsAnObjectAndWritesItBack() throws Exception {
    var r = RecordJson.parse(utf8("{\"a\":\"ü\",\"n\":1.5,\"big\":12345678901234567890}"));
    assertThat(r.get("a").asText()).isEqualTo("ü");
    assertThat(new String(RecordJson.write(r), StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":\"ü\",\"n\":1.5,\"big\":12345678901234567890}");
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"amount\":1e400}                | too large for a double",
        "{\"amount\":-1e400}               | too large for a double",
        "{\"amount\":1e999999999}          | too large",
        "{\"a\":1,\"a\":2}                 | the field 'a' twice",
        "[1,2]                             | JSON array, not an object",
        "\"text\"                          | JSON string, not an object",
        "null                              | not an object",
        "{\"a\":                           | not JSON",
        "{\"a\":NaN}                       | not JSON",
        "''                                | empty",
      })
  void refusesWhatIsNotARecordSayingWhy(String json, String reason) {
    assertThatThrownBy(() -> RecordJson.parse(utf8(json)))
        .isInstanceOf(RecordJson.NotARecord.class)
        .hasMessageContaining(reason);
  }

  @Test
  void refusesInvalidUtf8DeepNestingAndTombstones() {
    byte[] badByte = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertThatThrownBy(() -> RecordJson.parse(badByte)).hasMessageContaining("UTF-8");
    String deep =
        "{\"a\":".repeat(RecordJson.MAX_DEPTH + 5) + "1" + "}".repeat(RecordJson.MAX_DEPTH + 5);
    assertThatThrownBy(() -> RecordJson.parse(utf8(deep))).hasMessageContaining("limit");
    assertThatThrownBy(() -> RecordJson.parse((byte[]) null)).hasMessageContaining("tombstone");
    String longNumber = "{\"n\":" + "9".repeat(RecordJson.MAX_NUMBER_DIGITS + 1) + "}";
    assertThatThrownBy(() -> RecordJson.parse(utf8(longNumber))).hasMessageContaining("limit");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @CsvSource({
    "ascii, 7B7D, -1",
    "two-byte é, C3A9, -1",
    "three-byte €, E282AC, -1",
    "four-byte emoji, F09F9880, -1",
    "overlong slash, C0AF, 0",
    "overlong three-byte, E080AF, 0",
    "encoded surrogate, EDA080, 0",
    "past U+10FFFF, F4908080, 0",
    "lone continuation, 41BF, 1",
    "cut short, 41E282, 1",
    "F5 never appears, F5808080, 0",
  })
  void utf8IsCheckedStrictly(String what, String hex, int at) {
    byte[] b = java.util.HexFormat.of().parseHex(hex);
    assertThat(RecordJson.invalidUtf8At(b)).as(what).isEqualTo(at);
  }

  @Test
  void reasonsNeverQuoteTheValue() {
    for (String json :
        new String[] {
          "{\"password\":hunter2secret}",
          "{\"a\":\"hunter2secret\" hunter2secret}",
          "hunter2secret",
          "{\"a\":1}hunter2secret",
          "{\"a\":\"hunter2secret"
        }) {
      assertThatThrownBy(() -> RecordJson.parse(utf8(json)))
          .isInstanceOf(RecordJson.NotARecord.class)
          .hasMessageStartingWith("the value is not JSON")
          .hasMessageNotContaining("hunter2");
    }
  }
}

package io.tributary.runtime.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ingest topic's record key: copies of one message share it (so they meet the same dedupe
 * state, in one partition); a payload without a usable key field is still sent, without a key, for
 * the stream to dead-letter with the reason.
 */
class MqttBridgeKeyTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NONE",
      value = {
        "{\"msg_id\":\"m-1\",\"celsius\":21.5} | m-1",
        "{\"celsius\":21.5,\"msg_id\":\"m-1\"} | m-1",
        "{\"msg_id\":42} | 42",
        "{\"msg_id\":true} | true",
        "{\"msg_id\":null} | NONE",
        "{\"other\":1} | NONE",
        "{\"msg_id\":{\"a\":1}} | NONE",
        "[1,2] | NONE",
        "not json | NONE",
        "'' | NONE"
      })
  void theKeyIsTheKeyFieldsText(String payload, String key) {
    byte[] k = MqttBridge.key(payload.getBytes(StandardCharsets.UTF_8), "msg_id");
    assertThat(k == null ? null : new String(k, StandardCharsets.UTF_8)).isEqualTo(key);
  }
}

package io.tributary.runtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Properties;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The baseline: Kafka Streams, exactly_once_v2, the same filter (amount > 5), mask (HMAC-SHA256 of
 * email) and derive (amount_aed = amount * 3.67), hand-written in Java.
 */
final class StreamsTopology {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StreamsTopology() {}

  static KafkaStreams build(
      String bootstrap,
      String appId,
      String input,
      String output,
      byte[] key,
      long commitMs,
      int threads) {
    ThreadLocal<Mac> mac =
        ThreadLocal.withInitial(
            () -> {
              try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(key, "HmacSHA256"));
                return m;
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    StreamsBuilder b = new StreamsBuilder();
    b.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .mapValues(StreamsTopology::parse)
        .filter((k, v) -> v != null && v.path("amount").asDouble() > 5.0)
        .mapValues(
            v -> {
              JsonNode email = v.get("email");
              if (email != null && !email.isNull()) {
                v.put(
                    "email",
                    HexFormat.of()
                        .formatHex(
                            mac.get().doFinal(email.asText().getBytes(StandardCharsets.UTF_8))));
              }
              v.put("amount_aed", v.path("amount").asDouble() * 3.67);
              try {
                return MAPPER.writeValueAsBytes(v);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    p.put(
        StreamsConfig.STATE_DIR_CONFIG,
        System.getProperty("java.io.tmpdir") + "/kstreams-" + appId);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    return new KafkaStreams(b.build(), p);
  }

  private static ObjectNode parse(byte[] v) {
    try {
      JsonNode n = MAPPER.readTree(v);
      return n instanceof ObjectNode o ? o : null;
    } catch (Exception e) {
      return null;
    }
  }
}

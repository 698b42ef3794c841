package io.tributary.runtime.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.runtime.transform.RejectedRecordException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The Kafka records a stream worker reads and writes: JSON objects in, output records keyed by the
 * sink's key field (else the input key), dead letters carrying the input bytes and headers that say
 * why, where in the chain, and where in the source. Pure: no client, no clock.
 */
final class Records {
  static final String REASON = "tributary.reason";
  static final String STEP = "tributary.step";
  static final String STEP_INDEX = "tributary.step.index";
  static final String SOURCE_TOPIC = "tributary.source.topic";
  static final String SOURCE_PARTITION = "tributary.source.partition";
  static final String SOURCE_OFFSET = "tributary.source.offset";

  /** Step name in dead-letter headers for records that are not JSON objects at all. */
  static final String SOURCE_STEP = "source";

  // Number text <-> double conversion shows up in profiles of the record path; Jackson's fast
  // double parser and writer are exact and cheaper than the JDK's.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                  .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                  .build())
          .build();
  private static final ObjectWriter WRITER = MAPPER.writerFor(ObjectNode.class);

  private final String outputTopic;
  private final String deadLetterTopic;
  private final String keyField;

  Records(String outputTopic, String deadLetterTopic, String keyField) {
    this.outputTopic = outputTopic;
    this.deadLetterTopic = deadLetterTopic;
    this.keyField = keyField;
  }

  /** A value that is not a JSON object, with the reason for the dead-letter header. */
  static final class NotAnObject extends Exception {
    NotAnObject(String reason) {
      super(reason, null, false, false);
    }
  }

  static ObjectNode parse(byte[] value) throws NotAnObject {
    if (value == null) {
      throw new NotAnObject("the value is null (a tombstone), not a JSON object");
    }
    try {
      JsonNode node = MAPPER.readTree(value);
      if (node instanceof ObjectNode o) {
        return o;
      }
      throw new NotAnObject("the value is JSON but not an object");
    } catch (JsonProcessingException e) {
      throw new NotAnObject("the value is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new NotAnObject("the value cannot be read: " + e.getMessage());
    }
  }

  /**
   * The output record; it keeps the input's timestamp so end-to-end latency reads off it. A record
   * without one (-1, from old producers) gets the producer's time.
   */
  ProducerRecord<byte[], byte[]> output(ObjectNode out, byte[] inputKey, long timestamp) {
    byte[] key = inputKey;
    if (keyField != null) {
      JsonNode k = out.get(keyField);
      if (k != null && !k.isNull()) {
        key = utf8(k.isTextual() ? k.textValue() : k.toString());
      }
    }
    return new ProducerRecord<>(outputTopic, null, timestampOrNull(timestamp), key, json(out));
  }

  /** The input, unchanged, with why and where it was rejected. */
  ProducerRecord<byte[], byte[]> deadLetter(
      ConsumerRecord<byte[], byte[]> in, int stepIndex, String step, String reason) {
    RecordHeaders h = headers(stepIndex, step, reason);
    h.add(SOURCE_TOPIC, utf8(in.topic()));
    h.add(SOURCE_PARTITION, utf8(String.valueOf(in.partition())));
    h.add(SOURCE_OFFSET, utf8(String.valueOf(in.offset())));
    return new ProducerRecord<>(
        deadLetterTopic, null, timestampOrNull(in.timestamp()), in.key(), in.value(), h);
  }

  /** A record a step emitted on flush (an aggregate window) that a later step rejected. */
  ProducerRecord<byte[], byte[]> deadLetter(ObjectNode emitted, RejectedRecordException e) {
    return new ProducerRecord<>(
        deadLetterTopic,
        null,
        null,
        null,
        json(emitted),
        headers(e.step(), e.stepName(), e.reason()));
  }

  private static Long timestampOrNull(long timestamp) {
    return timestamp >= 0 ? timestamp : null;
  }

  private static RecordHeaders headers(int stepIndex, String step, String reason) {
    RecordHeaders h = new RecordHeaders();
    h.add(REASON, utf8(reason));
    h.add(STEP, utf8(step));
    h.add(STEP_INDEX, utf8(String.valueOf(stepIndex)));
    return h;
  }

  private static byte[] json(ObjectNode node) {
    try {
      return WRITER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a record", e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

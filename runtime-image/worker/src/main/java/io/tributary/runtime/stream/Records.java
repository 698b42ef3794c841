package io.tributary.runtime.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.runtime.transform.DeadLetterMask;
import io.tributary.runtime.transform.RecordJson;
import io.tributary.runtime.transform.RejectedRecordException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The Kafka records a stream worker reads and writes: JSON objects in, output records keyed by the
 * sink's key field (else the input key), dead letters carrying the input bytes and headers that say
 * why, where in the chain, and where in the source. Pure: no client, no clock.
 *
 * <p>When the plan has classified fields, a dead letter carries the input re-written with them
 * hidden ({@link DeadLetterMask}) and names them in the {@code tributary.masked} header; an input
 * that is not a record cannot be masked field by field and is left out, like one too large. The
 * Kafka key is copied as it is: it is not a schema field.
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

  /** Step name in dead-letter headers for outputs the sink cannot take (too large). */
  static final String SINK_STEP = "sink";

  static final String SIZE = "tributary.size";

  /** The fields hidden in a dead letter, comma-separated. */
  static final String MASKED = "tributary.masked";

  /** Kafka's default max.request.size and (almost) max.message.bytes. */
  static final int DEFAULT_MAX_BYTES = 1024 * 1024;

  /**
   * What a record costs beyond its key, value and headers in the worst case: the batch header (61
   * bytes) and the record's own length fields (at most 21), rounded up.
   */
  private static final int RECORD_OVERHEAD = 96;

  private static final int HEADER_OVERHEAD = 10;

  private final String outputTopic;
  private final String deadLetterTopic;
  private final String keyField;
  private final int maxOutputBytes;
  private final int maxDeadLetterBytes;
  private final DeadLetterMask mask;

  /**
   * @param maxOutputBytes the largest record the output topic takes (the smaller of the producer's
   *     max.request.size and the topic's max.message.bytes)
   * @param maxDeadLetterBytes the same for the dead-letter topic
   * @param mask hides the classified fields of dead letters
   */
  Records(
      String outputTopic,
      String deadLetterTopic,
      String keyField,
      int maxOutputBytes,
      int maxDeadLetterBytes,
      DeadLetterMask mask) {
    this.mask = mask;
    this.outputTopic = outputTopic;
    this.deadLetterTopic = deadLetterTopic;
    this.keyField = keyField;
    this.maxOutputBytes = maxOutputBytes;
    this.maxDeadLetterBytes = maxDeadLetterBytes;
  }

  /**
   * Why the output record cannot be sent, or null when it fits. A record over the limit fails its
   * whole transaction, and the next attempt reads it again: one record would stall the partition.
   */
  String tooLarge(ProducerRecord<byte[], byte[]> output) {
    int size = size(output);
    return size <= maxOutputBytes
        ? null
        : "the output record is "
            + size
            + " bytes, over the "
            + maxOutputBytes
            + " bytes the output topic takes (the producer's max.request.size or the topic's"
            + " max.message.bytes)";
  }

  /** Upper bound of the bytes a record takes in a produce request. */
  static int size(ProducerRecord<byte[], byte[]> r) {
    long n = RECORD_OVERHEAD;
    n += r.key() == null ? 0 : r.key().length;
    n += r.value() == null ? 0 : r.value().length;
    for (var h : r.headers()) {
      n +=
          HEADER_OVERHEAD
              + h.key().getBytes(StandardCharsets.UTF_8).length
              + (h.value() == null ? 0 : h.value().length);
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  /** The value as a record, or why it is not one (see {@link RecordJson}). */
  static ObjectNode parse(byte[] value) throws RecordJson.NotARecord {
    return RecordJson.parse(value);
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

  /**
   * The input, unchanged, with why and where it was rejected. An input too large for the
   * dead-letter topic is left out: the dead letter then names its size and where to read it, so
   * nothing is lost silently and nothing stalls.
   */
  ProducerRecord<byte[], byte[]> deadLetter(
      ConsumerRecord<byte[], byte[]> in, int stepIndex, String step, String reason) {
    byte[] value = in.value();
    List<String> hidden = List.of();
    if (mask.active() && value != null) {
      DeadLetterMask.Masked masked;
      try {
        masked = mask.anywhere(parse(value));
        value = json(masked.record());
      } catch (RecordJson.NotARecord | RecordJson.Unwritable e) {
        return stub(
            in,
            in.key(),
            stepIndex,
            step,
            reason
                + "; the value is not kept: it is not a record, so its classified fields cannot"
                + " be masked: read it at "
                + in.topic()
                + "/"
                + in.partition()
                + "@"
                + in.offset());
      }
      hidden = masked.fields();
    }
    ProducerRecord<byte[], byte[]> full = deadLetter(in, stepIndex, step, reason, in.key(), value);
    if (!hidden.isEmpty()) full.headers().add(MASKED, utf8(String.join(",", hidden)));
    if (size(full) <= maxDeadLetterBytes) {
      return full;
    }
    int inputSize =
        (in.key() == null ? 0 : in.key().length) + (in.value() == null ? 0 : in.value().length);
    String why =
        reason
            + "; the record ("
            + inputSize
            + " bytes) is too large to copy into the dead-letter topic: read it at "
            + in.topic()
            + "/"
            + in.partition()
            + "@"
            + in.offset();
    return stub(in, null, stepIndex, step, why);
  }

  /** A dead letter without the input's value (and {@code key}), naming its position and size. */
  private ProducerRecord<byte[], byte[]> stub(
      ConsumerRecord<byte[], byte[]> in, byte[] key, int stepIndex, String step, String why) {
    int inputSize =
        (in.key() == null ? 0 : in.key().length) + (in.value() == null ? 0 : in.value().length);
    ProducerRecord<byte[], byte[]> stub = deadLetter(in, stepIndex, step, why, key, null);
    stub.headers().add(SIZE, utf8(String.valueOf(inputSize)));
    return stub;
  }

  private ProducerRecord<byte[], byte[]> deadLetter(
      ConsumerRecord<byte[], byte[]> in,
      int stepIndex,
      String step,
      String reason,
      byte[] key,
      byte[] value) {
    RecordHeaders h = headers(stepIndex, step, reason);
    h.add(SOURCE_TOPIC, utf8(in.topic()));
    h.add(SOURCE_PARTITION, utf8(String.valueOf(in.partition())));
    h.add(SOURCE_OFFSET, utf8(String.valueOf(in.offset())));
    return new ProducerRecord<>(
        deadLetterTopic, null, timestampOrNull(in.timestamp()), key, value, h);
  }

  /** A record a step emitted on flush (an aggregate window) that a later step rejected. */
  ProducerRecord<byte[], byte[]> deadLetter(ObjectNode emitted, RejectedRecordException e) {
    return deadLetter(mask.anywhere(emitted), e.step(), e.stepName(), e.reason());
  }

  /** An output made on flush (an aggregate window) that cannot go out; big ones cut. */
  ProducerRecord<byte[], byte[]> deadLetterOutput(
      ObjectNode output, int stepIndex, String step, String reason) {
    return deadLetter(mask.output(output), stepIndex, step, reason);
  }

  private ProducerRecord<byte[], byte[]> deadLetter(
      DeadLetterMask.Masked emitted, int stepIndex, String step, String reason) {
    byte[] value;
    try {
      value = json(emitted.record());
    } catch (RecordJson.Unwritable e) {
      return new ProducerRecord<>(
          deadLetterTopic,
          null,
          null,
          null,
          null,
          headers(stepIndex, step, reason + "; " + e.getMessage()));
    }
    ProducerRecord<byte[], byte[]> full =
        new ProducerRecord<>(
            deadLetterTopic, null, null, null, value, headers(stepIndex, step, reason));
    if (!emitted.fields().isEmpty()) {
      full.headers().add(MASKED, utf8(String.join(",", emitted.fields())));
    }
    if (size(full) <= maxDeadLetterBytes) {
      return full;
    }
    ProducerRecord<byte[], byte[]> stub =
        new ProducerRecord<>(
            deadLetterTopic,
            null,
            null,
            null,
            null,
            headers(
                stepIndex,
                step,
                reason
                    + "; the record ("
                    + value.length
                    + " bytes) is too large to copy into the dead-letter topic"));
    stub.headers().add(SIZE, utf8(String.valueOf(value.length)));
    return stub;
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
    return RecordJson.write(node);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.plan.KafkaClientSettings;
import io.tributary.plan.KafkaEndpoint;
import io.tributary.runtime.batch.BadRecordException;
import io.tributary.runtime.batch.KafkaRecordLimit;
import io.tributary.runtime.batch.RecordSink;
import io.tributary.runtime.batch.SecretFiles;
import io.tributary.runtime.batch.source.KafkaReader;
import io.tributary.runtime.transform.RecordJson;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces the run's records to a topic in one Kafka transaction, committed at the end of the run:
 * consumers reading {@code read_committed} see all of a run or none of it, and a failed attempt's
 * records are aborted. When the source is Kafka too, its offsets are committed in the same
 * transaction (consume → transform → produce, exactly once). A run must finish within the
 * transaction timeout (15 minutes, the broker's default maximum).
 */
public final class KafkaWriter implements RecordSink {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaWriter.class);

  private final KafkaSink spec;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaEndpoint cluster;
  private final int producerMaxBytes;
  private int maxRecordBytes;
  private final KafkaReader upstream;
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
  private long written;

  public KafkaWriter(
      KafkaSink spec, SecretFiles secrets, String transactionalId, KafkaReader upstream) {
    this.spec = spec;
    this.upstream = upstream;
    KafkaEndpoint cluster = KafkaEndpoint.of(spec, secrets::read);
    Properties p =
        KafkaClientSettings.properties(KafkaClientSettings.batchWriter(cluster, transactionalId));
    this.cluster = cluster;
    this.producerMaxBytes = KafkaRecordLimit.producerMaxBytes(p);
    this.maxRecordBytes = producerMaxBytes;
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  @Override
  public Optional<RunSummary> begin() {
    maxRecordBytes = KafkaRecordLimit.maxRecordBytes(cluster, spec.topic(), producerMaxBytes);
    producer.initTransactions(); // fences and aborts a crashed attempt's open transaction
    producer.beginTransaction();
    return Optional.empty();
  }

  @Override
  public void write(ObjectNode record) throws Exception {
    Exception failed = sendFailure.get();
    if (failed != null) {
      throw failed;
    }
    String key;
    if (spec.keyField() != null) {
      JsonNode k = record.get(spec.keyField());
      key = k == null || k.isNull() ? null : k.asText();
    } else {
      key = upstream != null ? upstream.currentKey() : null; // the input record's key
    }
    byte[] value;
    try {
      value = RecordJson.write(record);
    } catch (RecordJson.Unwritable e) {
      throw new BadRecordException("sink", e.getMessage());
    }
    long size = KafkaRecordLimit.size(key, value);
    if (size > maxRecordBytes) {
      // Sent, it would fail the whole transaction, and every retry of the run with it.
      throw new BadRecordException(
          "sink",
          "the record is "
              + size
              + " bytes, over the "
              + maxRecordBytes
              + " bytes topic "
              + spec.topic()
              + " takes (its max.message.bytes or the producer's max.request.size)");
    }
    producer.send(
        new ProducerRecord<>(spec.topic(), key, value),
        (md, e) -> {
          if (e != null) sendFailure.compareAndSet(null, e);
        });
    written++;
  }

  @Override
  public void commit(RunSummary summary) throws Exception {
    producer.flush();
    Exception failed = sendFailure.get();
    if (failed != null) {
      throw failed;
    }
    if (upstream != null) {
      producer.sendOffsetsToTransaction(upstream.offsets(), upstream.groupMetadata());
    }
    producer.commitTransaction();
    if (upstream != null) {
      upstream.offsetsCommittedInTransaction();
    }
    LOG.info("committed {} records to topic {}", written, spec.topic());
  }

  @Override
  public void abort() {
    try {
      producer.abortTransaction();
    } catch (RuntimeException e) {
      LOG.warn("abort of the Kafka transaction failed: {}", e.toString());
    }
  }

  @Override
  public long written() {
    return written;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}

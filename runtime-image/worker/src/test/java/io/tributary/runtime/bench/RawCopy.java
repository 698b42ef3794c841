package io.tributary.runtime.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The practical limit: bytes in, bytes out, no parsing; flush and commit offsets every commit
 * interval (at-least-once). Same batching as the worker's producer, without idempotence.
 */
final class RawCopy implements Runnable {
  private final Properties consumer = new Properties();
  private final Properties producer = new Properties();
  private final String input;
  private final String output;
  private final long commitNanos;
  private volatile boolean running = true;

  RawCopy(String bootstrap, String input, String output, String group, long commitMs) {
    this.input = input;
    this.output = output;
    this.commitNanos = commitMs * 1_000_000;
    consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producer.put(ProducerConfig.ACKS_CONFIG, "all");
    // At-least-once needs no idempotence; on this loaded machine the idempotent producer could
    // spin on OUT_OF_ORDER_SEQUENCE_NUMBER retries after a timeout.
    producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    producer.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    producer.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(128 * 1024));
  }

  @Override
  public void run() {
    try (KafkaConsumer<byte[], byte[]> c =
            new KafkaConsumer<>(
                consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> p =
            new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer())) {
      c.subscribe(List.of(input));
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      long last = System.nanoTime();
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          p.send(new ProducerRecord<>(output, null, r.timestamp(), r.key(), r.value()));
          offsets.put(
              new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        if (System.nanoTime() - last >= commitNanos && !offsets.isEmpty()) {
          p.flush();
          c.commitSync(offsets);
          offsets.clear();
          last = System.nanoTime();
        }
      }
    }
  }

  void stop() {
    running = false;
  }
}

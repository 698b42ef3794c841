package io.tributary.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test traffic on the cluster's real Kafka broker. */
final class Topics {
  /** Suffix of every topic this run uses: a warm cluster keeps the topics of earlier runs. */
  static final String RUN = Long.toString(System.currentTimeMillis(), 36);

  private Topics() {}

  /** The topic {@code base} of this run, e.g. e2e.cards.lq3x9a. */
  static String name(String base) {
    return base + "." + RUN;
  }

  static void create(String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(Cluster.kafka())) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      if (!existing.contains(topic)) {
        admin
            .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
    }
  }

  static void produce(String topic, List<String> jsonValues) {
    Properties p = Cluster.kafka();
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("acks", "all");
    try (var producer = new KafkaProducer<String, String>(p)) {
      for (String v : jsonValues) producer.send(new ProducerRecord<>(topic, v));
      producer.flush();
    }
  }

  /** Produces {@code keyed} (key to JSON value) to {@code topic}, e.g. a compacted state topic. */
  static void produceKeyed(String topic, Map<String, String> keyed) {
    Properties p = Cluster.kafka();
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("acks", "all");
    try (var producer = new KafkaProducer<String, String>(p)) {
      keyed.forEach((k, v) -> producer.send(new ProducerRecord<>(topic, k, v)));
      producer.flush();
    }
  }

  /** Everything committed on {@code topic}, read from the start until {@code expected} arrive. */
  static List<String> readCommitted(String topic, int expected, Duration timeout) {
    Properties p = Cluster.kafka();
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    p.put("isolation.level", "read_committed");
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    p.put("group.id", "e2e-reader-" + System.nanoTime());
    List<String> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<String, String>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500)))
          out.add(r.value());
      }
      // Anything beyond the expected count would be a duplicate: drain briefly to catch it.
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(2)))
        out.add(r.value());
    }
    return out;
  }
}

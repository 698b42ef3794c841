package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.plan.KafkaClientSettings;
import io.tributary.plan.KafkaEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a compacted consent topic (key: subject id, value {@code {"purposes": [...]}}, tombstone:
 * consent withdrawn) from the beginning and keeps following it on a daemon thread. Started lazily
 * on first use so that compiling a plan never connects to Kafka.
 */
public final class KafkaConsentView implements ConsentView {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaConsentView.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final KafkaEndpoint cluster;
  private final String topic;
  private final Map<String, Set<String>> purposes = new ConcurrentHashMap<>();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile Thread thread;
  private volatile RuntimeException failure;
  private volatile boolean closed;

  /**
   * @param cluster where the topic lives, with credentials when the cluster needs them
   */
  public KafkaConsentView(KafkaEndpoint cluster, String topic) {
    this.cluster = cluster;
    this.topic = topic;
  }

  private synchronized void start() {
    if (thread != null || closed) {
      return;
    }
    consumer =
        new KafkaConsumer<>(
            KafkaClientSettings.properties(KafkaClientSettings.consentReader(cluster, topic)),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    thread = new Thread(this::run, "consent-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(60));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("consent topic '" + topic + "' does not exist");
      }
      List<TopicPartition> parts = new ArrayList<>();
      infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          apply(r.key(), r.value());
        }
        if (caughtUp.getCount() > 0
            && end.entrySet().stream()
                .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          LOG.info("consent topic {} read: {} subjects", topic, purposes.size());
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("consent topic {} cannot be read: {}", topic, e.toString());
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  void apply(String subject, byte[] value) {
    if (subject == null) {
      return;
    }
    if (value == null) {
      purposes.remove(subject);
      return;
    }
    try {
      JsonNode json = MAPPER.readTree(value);
      Set<String> set = new HashSet<>();
      json.path("purposes").forEach(p -> set.add(p.asText()));
      purposes.put(subject, Set.copyOf(set));
    } catch (java.io.IOException e) {
      // A malformed consent entry grants nothing; say so without logging its content.
      LOG.warn("consent topic {}: an entry is not JSON; treating it as no consent", topic);
      purposes.remove(subject);
    }
  }

  @Override
  public Set<String> purposes(String subject) {
    if (caughtUp.getCount() > 0) {
      awaitCaughtUp(Duration.ofSeconds(60));
    }
    return purposes.getOrDefault(subject, Set.of());
  }

  @Override
  public void awaitCaughtUp(Duration timeout) {
    start();
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!caughtUp.await(100, TimeUnit.MILLISECONDS)) {
        if (failure != null) {
          throw new IllegalStateException(
              "consent topic '" + topic + "': " + failure.getMessage(), failure);
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "consent topic '"
                  + topic
                  + "' not read within "
                  + timeout
                  + " from "
                  + cluster.bootstrapServers());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading consent topic " + topic, e);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

package io.tributary.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.runtime.testing.CorpusAssertions;
import io.tributary.runtime.testing.CorpusAssertions.Seen;
import io.tributary.runtime.testing.HostileCorpus;
import io.tributary.runtime.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile corpus through a stream worker and a real broker: every record comes out, becomes a
 * dead letter with the expected step and reason, or is filtered, and the worker keeps running and
 * commits past all of them.
 */
class HostileCorpusIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static KafkaBroker kafka;

  @TempDir Path secrets;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void everyHostileRecordIsDeliveredDeadLetteredOrFilteredAndNothingStops() throws Exception {
    HostileCorpus.writeSecret(secrets);
    List<HostileCorpus.Case> cases = HostileCorpus.cases("stream");
    assertThat(cases).hasSizeGreaterThanOrEqualTo(50);
    kafka.createTopic("hostile", 1);
    produce(cases);
    String plan =
        Plans.plan(
            "hostile",
            kafka.bootstrapServers(),
            "hostile",
            "hostile-out",
            HostileCorpus.TRANSFORMS,
            HostileCorpus.SCHEMA,
            "\"secretsDir\":\"" + secrets + "\"");
    try (InProcessWorker w = InProcessWorker.start(plan, secrets, "hostile-1")) {
      // Everything read and committed: the worker got past every record.
      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(
              () ->
                  assertThat(committed(new TopicPartition("hostile", 0)))
                      .as("offsets committed past the corpus")
                      .isEqualTo(cases.size()));
      Map<String, Seen> seen = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : kafka.readAllBytes("hostile-out")) {
        seen.put(key(r), Seen.output(JSON.readTree(r.value())));
      }
      for (ConsumerRecord<byte[], byte[]> r : kafka.readAllBytes("hostile.dlq")) {
        Map<String, String> h = headers(r);
        String previous = key(r);
        assertThat(seen).as("one outcome per record: %s", previous).doesNotContainKey(previous);
        seen.put(previous, Seen.deadLetter(h.get("tributary.step"), h.get("tributary.reason")));
      }
      List<String> mismatches = new ArrayList<>();
      for (HostileCorpus.Case c : cases) {
        mismatches.addAll(
            CorpusAssertions.mismatches(c, seen.getOrDefault(c.name(), Seen.filtered())));
      }
      assertThat(mismatches).isEmpty();
      assertThat(w.exit).isNotDone();
      w.close();
      assertThat(w.exit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    }
  }

  private static void produce(List<HostileCorpus.Case> cases) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (HostileCorpus.Case c : cases) {
        producer.send(new ProducerRecord<>("hostile", c.name(), c.value()));
      }
      producer.flush();
    }
  }

  private static long committed(TopicPartition tp) throws Exception {
    try (var admin = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets("tributary-it-hostile")
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      OffsetAndMetadata o = offsets.get(tp);
      return o == null ? -1 : o.offset();
    }
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    return new String(r.key(), StandardCharsets.UTF_8);
  }

  private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
    Map<String, String> h = new HashMap<>();
    for (Header header : r.headers()) {
      h.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    return h;
  }
}

package io.tributary.runtime.stream;

import static io.tributary.runtime.testing.KafkaBroker.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.runtime.testing.BrokerExtension;
import io.tributary.runtime.testing.KafkaBroker;
import io.tributary.runtime.testing.Redis;
import io.tributary.runtime.testing.TestPlans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * A StreamJob writing to the feature store, against a real broker and a real redis-server: entities
 * land as hashes after the transforms; records that cannot be stored are dead letters on the source
 * cluster and the stream goes on; Redis going away and coming back loses nothing; a worker killed
 * with SIGKILL mid-stream and restarted leaves exactly the final state (replays are overwrites of
 * the same entities).
 */
class FeatureStoreStreamIT {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureStoreStreamIT.class);

  @RegisterExtension static final BrokerExtension KAFKA = new BrokerExtension();

  @TempDir Path dir;

  /**
   * A StreamJob plan from {@code topic} to feature view {@code clicks}: seq 100 is filtered out,
   * {@code clicks_x2} is derived.
   */
  private static String plan(String name, String topic, String redis, int db, String more) {
    return TestPlans.compileToJson(
        "{\"planVersion\":1,\"kind\":\"StreamJob\","
            + "\"pipeline\":{\"namespace\":\"it\",\"name\":\""
            + name
            + "\",\"uid\":\"u-"
            + name
            + "\"},\"metricsPort\":0,\"commitInterval\":\"200ms\","
            + "\"guarantee\":\"at-least-once\","
            + "\"source\":{\"kafka\":{\"bootstrapServers\":\""
            + KAFKA.broker().bootstrapServers()
            + "\",\"topics\":[\""
            + topic
            + "\"]}},"
            + "\"transforms\":[{\"filter\":{\"expression\":\"seq != 100\"}},"
            + "{\"derive\":{\"fields\":[{\"name\":\"clicks_x2\",\"expression\":\"clicks * 2\"}]}}],"
            + "\"sink\":{\"featureStore\":{\"redisAddress\":\""
            + redis
            + "\",\"database\":"
            + db
            + (more == null ? "" : "," + more)
            + ",\"featureView\":\"clicks\",\"entityKeys\":[\"customer_id\"],\"ttl\":\"1h\"}}"
            + "}");
  }

  private static String record(long seq, long customer) {
    return "{\"customer_id\":" + customer + ",\"seq\":" + seq + ",\"clicks\":" + seq % 7 + "}";
  }

  /** The hash a customer's last record ({@code seq}) leaves. */
  private static Map<String, String> features(long seq) {
    return Map.of(
        "seq", Long.toString(seq),
        "clicks", Long.toString(seq % 7),
        "clicks_x2", Long.toString(2 * (seq % 7)));
  }

  private static Jedis jedis(Redis redis, int db, String password) {
    Jedis j = new Jedis("127.0.0.1", redis.port());
    if (password != null) j.auth(password);
    j.select(db);
    return j;
  }

  @Test
  void entitiesLandAfterTheTransformsAndWhatCannotBeStoredIsADeadLetter() throws Exception {
    KafkaBroker kafka = KAFKA.broker();
    kafka.createTopic("clicks", 2);
    Redis redis = Redis.shared();
    try (Jedis j = jedis(redis, 5, null)) {
      j.flushDB();
      j.set("clicks:50", "someone else's");
    }
    String plan = plan("clicks", "clicks", redis.address(), 5, null);

    try (InProcessWorker w = InProcessWorker.start(plan, dir, "clicks-1")) {
      for (int i = 0; i < 100; i++) kafka.produce("clicks", "c" + i % 20, record(i, i % 20));
      kafka.produce("clicks", "c99", record(100, 99)); // filtered out: seq 100
      kafka.produce("clicks", "x", "{\"seq\":101,\"clicks\":1}"); // no entity key
      kafka.produce("clicks", "c50", record(102, 50)); // its key holds a string
      kafka.produce("clicks", "y", "not json");
      for (int i = 200; i < 300; i++) kafka.produce("clicks", "c" + i % 20, record(i, i % 20));

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(kafka.readAll("clicks.dlq")).hasSize(3);
                assertThat(committed(kafka, "clicks")).isEqualTo(204);
              });
      try (Jedis j = jedis(redis, 5, null)) {
        for (int c = 0; c < 20; c++) {
          assertThat(j.hgetAll("clicks:" + c)).as("customer %s", c).isEqualTo(features(280 + c));
          assertThat(j.pttl("clicks:" + c)).isPositive().isLessThanOrEqualTo(3_600_000L);
        }
        assertThat(j.exists("clicks:99")).as("filtered out").isFalse();
        assertThat(j.get("clicks:50")).as("a key that is not ours").isEqualTo("someone else's");
        assertThat(j.pttl("clicks:50")).isEqualTo(-1);
        assertThat(j.keys("clicks:*")).hasSize(21);
      }
      List<String> dead =
          kafka.readAllBytes("clicks.dlq").stream()
              .map(r -> headers(r.headers()))
              .map(h -> h.get(Records.SOURCE_OFFSET) == null ? "?" : h.get(Records.STEP))
              .sorted()
              .toList();
      assertThat(dead).containsExactly("sink", "sink", "source");
      List<String> reasons =
          kafka.readAllBytes("clicks.dlq").stream()
              .map(r -> headers(r.headers()).get(Records.REASON))
              .toList();
      assertThat(reasons)
          .contains(
              "entity key field customer_id is missing or null",
              "Redis refused the write: WRONGTYPE the key holds a string, not a hash of features");
      assertThat(w.worker.metrics().rejectedCount("sink")).isEqualTo(2);
      assertThat(w.worker.metrics().rejectedCount("source")).isEqualTo(1);
      assertThat(w.worker.metrics().recordsOut.get()).isEqualTo(200);
    }
  }

  @Test
  void redisDownThenUpLosesNothingAndCommitsNothingUnwritten() throws Exception {
    KafkaBroker kafka = KAFKA.broker();
    kafka.createTopic("visits", 2);
    Path data = Files.createDirectories(dir.resolve("redis-data"));
    Redis redis =
        Redis.startPrivate(
            "--requirepass", "s3cret", "--appendonly", "yes", "--dir", data.toString());
    Path secrets = Files.createDirectories(dir.resolve("secrets/redis-auth"));
    Files.writeString(secrets.resolve("password"), "s3cret\n");
    String plan =
        plan(
            "visits",
            "visits",
            redis.address(),
            0,
            "\"passwordSecretRef\":{\"name\":\"redis-auth\",\"key\":\"password\"}");
    try (InProcessWorker w = InProcessWorker.start(plan, dir.resolve("secrets"), "visits-1")) {
      for (int i = 0; i < 50; i++) kafka.produce("visits", "c" + i % 10, record(i, i % 10));
      await().atMost(Duration.ofSeconds(60)).until(() -> committed(kafka, "visits") == 50);

      redis.stop();
      try {
        for (int i = 50; i < 100; i++) kafka.produce("visits", "c" + i % 10, record(i, i % 10));
        // It has read them and tried to write them, more than once, while Redis was away.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> w.worker.metrics().sinkRetries.get() >= 2);
        assertThat(committed(kafka, "visits")).as("nothing unwritten is committed").isEqualTo(50);
      } finally {
        redis.restart();
      }

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(committed(kafka, "visits")).isEqualTo(100));
      try (Jedis j = jedis(redis, 0, "s3cret")) {
        for (int c = 0; c < 10; c++) {
          assertThat(j.hgetAll("clicks:" + c)).as("customer %s", c).isEqualTo(features(90 + c));
        }
      }
      assertThat(w.worker.metrics().rejectedCount("sink")).isZero();
      assertThat(kafka.readAll("visits.dlq")).isEmpty();
    } finally {
      redis.stop();
    }
  }

  private static final int RECORDS = 6_000;
  private static final int CUSTOMERS = 300;
  private static final int KILLS = 3;
  private static final int SLICE = RECORDS / (KILLS + 1);

  @Test
  void killNineMidStreamLeavesExactlyTheFinalState() throws Exception {
    KafkaBroker kafka = KAFKA.broker();
    kafka.createTopic("events", 4);
    Redis redis = Redis.shared();
    try (Jedis j = jedis(redis, 7, null)) {
      j.flushDB();
    }
    Path plan = dir.resolve("plan.json");
    Files.writeString(plan, plan("events", "events", redis.address(), 7, null));
    Path log = Path.of("target", "feature-store-crash-worker.log").toAbsolutePath();
    Files.deleteIfExists(log);

    Semaphore released = new Semaphore(SLICE);
    Thread producer = new Thread(() -> produce(kafka, released), "input");
    producer.setDaemon(true);
    producer.start();

    Process worker = WorkerProcess.start(plan, "fs-crash-worker", log);
    try (Admin admin = kafka.admin();
        Jedis j = jedis(redis, 7, null)) {
      // Slice k is produced while the worker writes it; the kill strikes once its records are
      // landing, and the next slice is let out only after the restart: every kill lands
      // mid-stream, with input still to come, however fast or slow the machine is.
      for (int k = 0; k < KILLS; k++) {
        long halfway = (long) k * SLICE + SLICE / 2;
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> highestSeq(j) >= halfway);
        long inLog = inputInLog(admin);
        assertThat(inLog).as("input still to come at kill %s", k + 1).isLessThan(RECORDS);
        worker.destroyForcibly(); // SIGKILL
        worker.waitFor(30, TimeUnit.SECONDS);
        LOG.info("kill {}: highest seq {}, input in log {}", k + 1, highestSeq(j), inLog);
        worker = WorkerProcess.start(plan, "fs-crash-worker", log);
        released.release(SLICE);
      }
      producer.join();
      await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> committed(kafka, "events") == RECORDS);
      worker.destroy(); // SIGTERM
      assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();

      assertThat(j.keys("clicks:*")).hasSize(CUSTOMERS);
      for (int c = 0; c < CUSTOMERS; c++) {
        assertThat(j.hgetAll("clicks:" + c))
            .as("customer %s", c)
            .isEqualTo(features(RECORDS - CUSTOMERS + c));
      }
      assertThat(kafka.readAll("events.dlq")).isEmpty();
    } finally {
      worker.destroyForcibly();
    }
  }

  /** The highest seq stored for any customer: how far the writes have come. */
  private static long highestSeq(Jedis j) {
    long max = -1;
    for (int c = 0; c < CUSTOMERS; c++) {
      String s = j.hget("clicks:" + c, "seq");
      if (s != null) max = Math.max(max, Long.parseLong(s));
    }
    return max;
  }

  /** About 500 records a second, each one only once the test has released it. */
  private static void produce(KafkaBroker kafka, Semaphore released) {
    try (KafkaProducer<String, String> p = kafka.producer()) {
      for (int i = 0; i < RECORDS; i++) {
        released.acquireUninterruptibly();
        int c = i % CUSTOMERS;
        p.send(new ProducerRecord<>("events", "c" + c, record(i, c)));
        if (i % 50 == 49) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
      }
      p.flush();
    }
  }

  private static long inputInLog(Admin admin) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < 4; p++) latest.put(new TopicPartition("events", p), OffsetSpec.latest());
    return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
        .mapToLong(i -> i.offset())
        .sum();
  }

  /** Offsets the pipeline's consumer group has committed, summed over the partitions. */
  private static long committed(KafkaBroker kafka, String name) throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets("tributary-it-" + name)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      return offsets.values().stream()
          .filter(o -> o != null)
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    }
  }
}

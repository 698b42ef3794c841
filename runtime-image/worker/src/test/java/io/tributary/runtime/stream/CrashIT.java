package io.tributary.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.runtime.testing.KafkaBroker;
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
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once promise: a worker process is killed with SIGKILL several times while input is
 * still being produced and restarted each time; the output topic, read read_committed, holds every
 * expected record exactly once. The chain includes dedupe, so its changelog is checked too: state
 * restored ahead of the committed offsets would drop re-read records, state behind would let
 * repeats pass.
 *
 * <p>The input is let out in {@value #KILLS} + 1 slices; each kill lets the next slice out and
 * strikes once its records are arriving, so every kill lands while input flows and before it is
 * complete, however fast or slow the machine is. The test records where each kill landed (input in
 * the log, committed output) and checks it.
 */
class CrashIT {
  private static final Logger LOG = LoggerFactory.getLogger(CrashIT.class);
  private static final int RECORDS = 20_000;
  private static final int KILLS = 4;
  private static final int SLICE = RECORDS / (KILLS + 1);
  private static final int EXPECTED = RECORDS - RECORDS / 5;

  /**
   * Where one kill landed: the input records in the log when its slice was let out and when it
   * struck, and the committed output records.
   */
  record Kill(long sliceStart, long inputInLog, int output) {}

  @TempDir Path dir;

  @Test
  void killNineMidStreamLosesAndDuplicatesNothing() throws Exception {
    try (KafkaBroker kafka = KafkaBroker.start();
        Admin admin = kafka.admin()) {
      kafka.createTopic("orders", 4);
      Path plan = dir.resolve("plan.json");
      Files.writeString(
          plan,
          Plans.plan(
              "orders",
              kafka.bootstrapServers(),
              "orders",
              "orders-out",
              "[{\"filter\":{\"expression\":\"id % 5 != 0\"}},"
                  + "{\"dedupe\":{\"keyFields\":[\"id\"],\"window\":\"1h\"}},"
                  + "{\"derive\":{\"fields\":[{\"name\":\"double\",\"expression\":\"id * 2\"}]}}]",
              null,
              null));
      Path log = Path.of("target", "crash-it-worker.log").toAbsolutePath();
      Files.deleteIfExists(log);

      Semaphore released = new Semaphore(SLICE);
      Thread producer = new Thread(() -> produce(kafka, released), "input");
      producer.setDaemon(true); // a failed test must not leave it waiting for permits
      producer.start();

      Process worker = WorkerProcess.start(plan, "crash-worker", log);
      try {
        for (int k = 0; k < KILLS; k++) {
          int before = kafka.readAll("orders-out").size();
          // Let it make progress, then kill it in the middle of whatever it is doing.
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> kafka.readAll("orders-out").size() > before + 500);
          // Let the next slice out and strike once it is arriving: the worker is then reading,
          // transforming and committing records it has not finished with.
          long sliceStart = (long) (k + 1) * SLICE;
          released.release(SLICE);
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(50))
              .until(() -> inputInLog(admin) >= sliceStart + 250);
          int output = kafka.readAll("orders-out").size();
          Kill kill = new Kill(sliceStart, inputInLog(admin), output);
          // The kill strikes mid-stream: input arriving and incomplete, output neither empty nor
          // done.
          assertThat(kill.inputInLog())
              .as("input in the log at %s", kill)
              .isStrictlyBetween(sliceStart, (long) RECORDS);
          assertThat(kill.output()).as("output at %s", kill).isStrictlyBetween(0, EXPECTED);
          worker.destroyForcibly(); // SIGKILL
          worker.waitFor(30, TimeUnit.SECONDS);
          LOG.info("kill {}: {}", k + 1, kill);
          worker = WorkerProcess.start(plan, "crash-worker", log);
        }
        producer.join();
        await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> kafka.readAll("orders-out").size() >= EXPECTED);
        worker.destroy(); // SIGTERM: finishes its transaction and leaves
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log))
            .as("the SIGTERM path ran: transaction finished, group left")
            .contains("stopping: finishing open transactions and leaving the group")
            .contains("stream worker stopped");
      } finally {
        worker.destroyForcibly(); // never leave a worker behind, even when an assertion fails
      }

      Map<Long, Integer> copies = new HashMap<>();
      for (var r : kafka.readAll("orders-out")) {
        long id = Long.parseLong(r.value().replaceAll(".*\"id\":(\\d+).*", "$1"));
        copies.merge(id, 1, Integer::sum);
      }
      List<Long> duplicated =
          copies.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
      List<Long> missing =
          java.util.stream.LongStream.range(0, RECORDS)
              .filter(i -> i % 5 != 0 && !copies.containsKey(i))
              .boxed()
              .toList();
      assertThat(duplicated).as("duplicated ids").isEmpty();
      assertThat(missing).as("missing ids").isEmpty();
      assertThat(copies).hasSize(EXPECTED);
    }
  }

  /** Records of the input topic in the log now (the sum of its partitions' end offsets). */
  private static long inputInLog(Admin admin) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < 4; p++) latest.put(new TopicPartition("orders", p), OffsetSpec.latest());
    return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
        .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
        .sum();
  }

  /**
   * About 500 records a second, each one only once the test has released it, so the input cannot
   * run out ahead of the kills.
   */
  private static void produce(KafkaBroker kafka, Semaphore released) {
    try (KafkaProducer<String, String> p = kafka.producer()) {
      for (int i = 0; i < RECORDS; i++) {
        released.acquireUninterruptibly();
        p.send(new ProducerRecord<>("orders", "id" + i, "{\"id\":" + i + ",\"note\":\"ü\"}"));
        if (i % 50 == 49) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
      }
      p.flush();
    }
  }
}

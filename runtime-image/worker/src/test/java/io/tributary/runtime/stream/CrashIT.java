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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once promise: a worker process is killed with SIGKILL several times while input is
 * produced and restarted each time; the output topic, read read_committed, holds every expected
 * record exactly once. The chain includes dedupe, so its changelog is checked too: state restored
 * ahead of the committed offsets would drop re-read records, state behind would let repeats pass.
 */
class CrashIT {
  private static final Logger LOG = LoggerFactory.getLogger(CrashIT.class);
  private static final int RECORDS = 20_000;
  private static final int KILLS = 4;

  @TempDir Path dir;

  @Test
  void killNineMidStreamLosesAndDuplicatesNothing() throws Exception {
    try (KafkaBroker kafka = KafkaBroker.start()) {
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

      AtomicInteger produced = new AtomicInteger();
      Thread producer = new Thread(() -> produce(kafka, produced), "input");
      producer.start();

      Process worker = WorkerProcess.start(plan, "crash-worker", log);
      int killsWhileProducing = 0;
      for (int kill = 0; kill < KILLS; kill++) {
        int before = kafka.readAll("orders-out").size();
        // Let it make progress, then kill it in the middle of whatever it is doing.
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> kafka.readAll("orders-out").size() > before + 500);
        if (producer.isAlive()) {
          killsWhileProducing++;
        }
        worker.destroyForcibly(); // SIGKILL
        worker.waitFor(30, TimeUnit.SECONDS);
        LOG.info("killed the worker after {} records were produced", produced.get());
        worker = WorkerProcess.start(plan, "crash-worker", log);
      }
      producer.join();
      int expected = RECORDS - RECORDS / 5;
      await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> kafka.readAll("orders-out").size() >= expected);
      worker.destroy(); // SIGTERM: finishes its transaction and leaves
      assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(log))
          .as("the SIGTERM path ran: transaction finished, group left")
          .contains("stopping: finishing open transactions and leaving the group")
          .contains("stream worker stopped");

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
      LOG.info("{} kills while input was being produced", killsWhileProducing);
      assertThat(duplicated).as("duplicated ids").isEmpty();
      assertThat(missing).as("missing ids").isEmpty();
      assertThat(copies).hasSize(expected);
    }
  }

  /** About 500 records a second, so the kills land while input is still arriving. */
  private static void produce(KafkaBroker kafka, AtomicInteger produced) {
    try (KafkaProducer<String, String> p = kafka.producer()) {
      for (int i = 0; i < RECORDS; i++) {
        p.send(new ProducerRecord<>("orders", "id" + i, "{\"id\":" + i + ",\"note\":\"ü\"}"));
        produced.incrementAndGet();
        if (i % 50 == 49) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
      }
      p.flush();
    }
  }
}

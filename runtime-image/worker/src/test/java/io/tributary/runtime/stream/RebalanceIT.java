package io.tributary.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.runtime.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workers share a topic: partitions move when the second joins and again when the first leaves;
 * output stays exactly once and dedupe state follows its partitions.
 */
class RebalanceIT {
  @TempDir Path secrets;

  private static void produce(KafkaBroker kafka, int from, int to) {
    try (KafkaProducer<String, String> p = kafka.producer()) {
      for (int i = from; i < to; i++) {
        // Keyed by id: a repeat lands on the partition (and state) of its first copy.
        p.send(new ProducerRecord<>("clicks", "id" + i, "{\"id\":" + i + "}"));
      }
      p.flush();
    }
  }

  private static List<String> ids(KafkaBroker kafka) {
    return kafka.readAll("clicks-out").stream()
        .map(r -> r.value().replaceAll("\\D", ""))
        .collect(Collectors.toList());
  }

  @Test
  void partitionsAndStateMoveBetweenWorkersWithoutLossOrDuplicates() throws Exception {
    try (KafkaBroker kafka = KafkaBroker.start()) {
      kafka.createTopic("clicks", 4);
      String plan =
          Plans.plan(
              "clicks",
              kafka.bootstrapServers(),
              "clicks",
              "clicks-out",
              "[{\"dedupe\":{\"keyFields\":[\"id\"],\"window\":\"1h\"}}]",
              null,
              null);
      InProcessWorker a = InProcessWorker.start(plan, secrets, "a");
      produce(kafka, 0, 1000);
      await().atMost(Duration.ofSeconds(60)).until(() -> ids(kafka).size() >= 1000);

      InProcessWorker b = InProcessWorker.start(plan, secrets, "b");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> b.worker.metrics() != null && b.worker.metrics().rebalancesSeen() > 0);
      // Repeats of the first batch are dropped wherever their partition now lives.
      produce(kafka, 0, 2000);
      await().atMost(Duration.ofSeconds(60)).until(() -> ids(kafka).size() >= 2000);
      assertThat(b.recordsIn()).as("the second worker took partitions").isPositive();

      a.close();
      assertThat(a.exit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
      produce(kafka, 1500, 3000);
      await().atMost(Duration.ofSeconds(60)).until(() -> ids(kafka).size() >= 3000);
      b.close();
      assertThat(b.exit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);

      List<String> ids = ids(kafka);
      assertThat(ids).hasSize(3000).doesNotHaveDuplicates();
    }
  }
}

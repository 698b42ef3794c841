package io.tributary.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.Secrets;
import io.tributary.runtime.ops.WorkerMetrics;
import io.tributary.runtime.testing.BrokerExtension;
import io.tributary.runtime.transform.DeadLetterMask;
import io.tributary.runtime.transform.TransformChain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What the stream worker's record counters say about halts, drops and rejects. */
class StreamCountsIT {
  @RegisterExtension static final BrokerExtension KAFKA = new BrokerExtension();

  @TempDir Path secrets;

  private static final String SCHEMA =
      "{\"fields\":[{\"name\":\"id\",\"type\":\"integer\",\"required\":true},"
          + "{\"name\":\"amount\",\"type\":\"number\",\"required\":true}]}";

  /** Sent together, so one poll returns them all (one producer batch, one fetch). */
  private static void produceTogether(String topic, List<String> values) {
    try (KafkaProducer<String, String> p = KAFKA.broker().producer()) {
      for (int i = 0; i < values.size(); i++) {
        p.send(new ProducerRecord<>(topic, 0, "k" + i, values.get(i)));
      }
      p.flush();
    }
  }

  @Test
  void aHaltCountsTheRecordsOfItsPollThatWereProcessedBeforeIt() throws Exception {
    KAFKA.broker().createTopic("halt-in", 1);
    produceTogether(
        "halt-in",
        List.of(
            "{\"id\":1,\"amount\":10}",
            "{\"id\":2,\"amount\":20}",
            "{\"id\":3,\"amount\":\"thirty\"}",
            "{\"id\":4,\"amount\":40}"));
    WorkerPlan plan =
        PlanJson.readPlan(
            Plans.plan(
                "halt",
                KAFKA.broker().bootstrapServers(),
                "halt-in",
                "halt-out",
                "[{\"validate\":{\"onInvalid\":\"fail\"}}]",
                SCHEMA,
                null));
    Secrets s = Secrets.fromDir(secrets);
    StreamSettings settings = StreamSettings.from(plan, s);
    Topics.ensureOutputTopics(settings, 1, false);
    WorkerMetrics metrics = new WorkerMetrics("it", "halt");
    StreamLoop loop =
        new StreamLoop(
            settings,
            TransformChain.compile(plan, s),
            metrics,
            new StateChangelog(settings.changelogTopic(), 1),
            new Records(
                settings.outputTopic(),
                settings.deadLetterTopic(),
                null,
                1 << 20,
                1 << 20,
                DeadLetterMask.compile(plan, s)),
            "halt-0",
            null,
            null);

    // The loop ends by itself at the halt; the timeout only guards a broken build.
    CompletableFuture<Void> ran = CompletableFuture.runAsync(loop);
    try {
      ran.get(90, TimeUnit.SECONDS);
    } finally {
      loop.stop();
    }

    assertThat(loop.failure()).isInstanceOf(StreamLoop.HaltException.class);
    // Records 1 and 2 were read, transformed, written and committed: they count as in.
    assertThat(metrics.recordsIn.get()).isEqualTo(2.0);
    assertThat(metrics.recordsOut.get()).isEqualTo(2.0);
  }

  @Test
  void dropsAndRejectsAreCountedByStep() throws Exception {
    KAFKA.broker().createTopic("drop-in", 1);
    produceTogether(
        "drop-in",
        List.of(
            "{\"id\":1,\"amount\":10}",
            "{\"id\":2,\"amount\":\"twenty\"}",
            "{\"id\":3}",
            "not json",
            "{\"id\":5,\"amount\":50}"));
    String plan =
        Plans.plan(
            "drops",
            KAFKA.broker().bootstrapServers(),
            "drop-in",
            "drop-out",
            "[{\"validate\":{\"onInvalid\":\"drop\"}}]",
            SCHEMA,
            null);
    try (InProcessWorker w = InProcessWorker.start(plan, secrets, "drops-1")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> w.recordsIn() >= 5);
      String metrics = StreamWorkerIT.get(w.worker.opsPort(), "/metrics").body();
      assertThat(metrics)
          .contains("tributary_worker_records_in_total{name=\"drops\",namespace=\"it\"} 5.0")
          .contains("tributary_worker_records_out_total{name=\"drops\",namespace=\"it\"} 2.0")
          .contains(
              "tributary_worker_records_dropped_total{name=\"drops\",namespace=\"it\",step=\"validate-0\"} 2.0")
          .contains(
              "tributary_worker_records_rejected_total{name=\"drops\",namespace=\"it\",step=\"source\"} 1.0")
          .contains(
              "tributary_worker_records_dead_lettered_total{name=\"drops\",namespace=\"it\",step=\"source\"} 1.0")
          .doesNotContain(
              "tributary_worker_records_rejected_total{name=\"drops\",namespace=\"it\",step=\"validate-0\"}");
      w.close();
      assertThat(w.exit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
    }
  }
}

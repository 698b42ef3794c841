package io.tributary.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.sink.LakeSink;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TributaryEventsTest {
  private static final Instant AT = Instant.parse("2026-11-30T02:00:05Z");
  private static final WorkerPlan.PipelineIdentity FEATURES =
      new WorkerPlan.PipelineIdentity("ml", "customer-features", "3f6c1f9e-uid");
  private static final SinkSpec LAKE =
      SinkSpec.of(
          new LakeSink("/lake/curated/customer_features", FileFormat.PARQUET, List.of("country")));
  private static final WorkerPlan.Run RUN = new WorkerPlan.Run("sched-20261130t0200z", 2, null);
  private static final WorkerPlan.PipelineIdentity FRAUD =
      new WorkerPlan.PipelineIdentity("payments", "fraud-scores", "9a1d-uid");
  private static final SinkSpec TOPIC = SinkSpec.of(KafkaSink.of("kafka:9092", "payments.scored"));

  private static RunSummary succeeded() {
    return new RunSummary(
            RUN.id(),
            RunSummary.SUCCEEDED,
            null,
            null,
            1200,
            1180,
            15,
            4210,
            "2026-11-30T01:59:58Z",
            List.of())
        .withRecordsDropped(5);
  }

  @Test
  void runStarted() {
    GoldenJson.assertMatches(
        "TributaryEventsTest.runStarted", TributaryEvents.runStarted(FEATURES, LAKE, RUN, AT));
  }

  @Test
  void runSucceededIntoTheLakeNamesTheCommit() {
    CloudEvent e =
        TributaryEvents.runSucceeded(
            FEATURES,
            LAKE,
            RUN,
            succeeded(),
            TableCommit.files(
                "/lake/curated/customer_features",
                "/lake/curated/customer_features/_runs/sched-20261130t0200z.json",
                3),
            AT);
    GoldenJson.assertMatches("TributaryEventsTest.runSucceededIntoTheLake", e);
  }

  @Test
  void runFailed() {
    RunSummary failed =
        new RunSummary(
            RUN.id(),
            RunSummary.FAILED,
            RunSummary.RETRYABLE,
            "source: connection refused",
            300,
            0,
            0,
            1500,
            null,
            List.of());
    GoldenJson.assertMatches(
        "TributaryEventsTest.runFailed",
        TributaryEvents.runFailed(FEATURES, LAKE, RUN, failed, AT));
  }

  @Test
  void streamJobEvents() {
    GoldenJson.assertMatches(
        "TributaryEventsTest.rolledOut",
        TributaryEvents.rolledOut(FRAUD, TOPIC, 7, 3, "3 workers run spec generation 7", AT));
    GoldenJson.assertMatches(
        "TributaryEventsTest.scaled",
        TributaryEvents.scaled(FRAUD, TOPIC, 2, 5, "from 2 to 5 workers: lag 120000", AT));
    GoldenJson.assertMatches(
        "TributaryEventsTest.halted",
        TributaryEvents.halted(
            FRAUD,
            TOPIC,
            new EventData.Halt(
                "payments.tx/3@1042", "transforms[0] (validate)", "amount: not a number"),
            "halted at payments.tx/3@1042",
            AT));
  }

  @Test
  void aRunSucceedsOnceWhateverTheAttemptThatReportsIt() {
    WorkerPlan.Run retry = new WorkerPlan.Run(RUN.id(), 3, null);
    CloudEvent first = TributaryEvents.runSucceeded(FEATURES, LAKE, RUN, succeeded(), null, AT);
    CloudEvent again =
        TributaryEvents.runSucceeded(FEATURES, LAKE, retry, succeeded(), null, AT.plusSeconds(60));
    assertThat(again.getId()).isEqualTo(first.getId());
    // Each attempt starts (and may fail) on its own.
    assertThat(TributaryEvents.runStarted(FEATURES, LAKE, retry, AT).getId())
        .isNotEqualTo(TributaryEvents.runStarted(FEATURES, LAKE, RUN, AT).getId());
  }

  @Test
  void aPipelineCreatedAgainUnderItsNameGetsNewIds() {
    WorkerPlan.PipelineIdentity recreated =
        new WorkerPlan.PipelineIdentity(FEATURES.namespace(), FEATURES.name(), "another-uid");
    assertThat(TributaryEvents.runStarted(recreated, LAKE, RUN, AT).getId())
        .isNotEqualTo(TributaryEvents.runStarted(FEATURES, LAKE, RUN, AT).getId());
  }

  @Test
  void theJsonFormReadsBackAsTheSameEvent() {
    CloudEvent e = TributaryEvents.runStarted(FEATURES, LAKE, RUN, AT);
    CloudEvent back = EventJson.parse(EventJson.bytes(e));
    assertThat(back.getId()).isEqualTo(e.getId());
    assertThat(back.getType()).isEqualTo("io.tributary.datapipeline.run.started");
    assertThat(back.getSource().toString())
        .isEqualTo("/namespaces/ml/datapipelines/customer-features");
    assertThat(back.getExtension(TributaryEvents.DATASET))
        .isEqualTo("/lake/curated/customer_features");
    assertThat(back.getData().toBytes()).isEqualTo(e.getData().toBytes());
  }
}

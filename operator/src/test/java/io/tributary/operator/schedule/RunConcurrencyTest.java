package io.tributary.operator.schedule;

import static io.tributary.operator.schedule.PipelineWorld.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.ConcurrencyPolicy;
import io.tributary.operator.api.PipelinePhase;
import io.tributary.operator.api.RunFailure;
import io.tributary.operator.api.RunPhase;
import io.tributary.operator.api.RunRecord;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** concurrencyPolicy Forbid / Replace / Allow, and the bounded run history. */
class RunConcurrencyTest {
  private static final String T0 = "2026-11-25T10:00:00Z";

  @Test
  void forbidSkipsAScheduledRunWhileOneIsActiveAndRecordsIt() {
    var w = new PipelineWorld("orders", "2026-11-25T00:30:00Z", spec().cron("0 * * * *").build());
    w.at("2026-11-25T01:00:00Z");
    w.reconcile();
    w.podRuns("orders-s202611250100-1");
    w.at("2026-11-25T02:00:00Z");
    var d = w.reconcile();
    assertThat(d.create()).isEmpty();
    assertThat(w.run("s202611250200").phase()).isEqualTo(RunPhase.SKIPPED);
    assertThat(w.run("s202611250200").message()).contains("s202611250100", "Forbid");
    assertThat(d.notes()).extracting(RunDecision.Note::event).containsExactly(RunEvent.RunSkipped);
    assertThat(w.status.lastRun().id()).isEqualTo("s202611250100");
    assertThat(w.status.phase()).isEqualTo(PipelinePhase.RUNNING);
    assertThat(w.reconcile().notes()).as("recorded once").isEmpty();
  }

  @Test
  void forbidHoldsAnEventTriggeredRunUntilTheActiveOneEnds() {
    var w = new PipelineWorld("orders", T0, spec().build());
    w.reconcile();
    w.generation = 2;
    assertThat(w.reconcile().create()).isEmpty();
    w.succeed("orders-g1-1", 1, 1, null);
    assertThat(w.reconcile().create())
        .extracting(RunDecision.StartJob::runId)
        .containsExactly("g2");
  }

  @Test
  void replaceStopsTheActiveRunAndStartsTheNew() {
    var w =
        new PipelineWorld(
            "orders",
            "2026-11-25T00:30:00Z",
            spec().cron("0 * * * *").concurrency(ConcurrencyPolicy.REPLACE).build());
    w.at("2026-11-25T01:00:00Z");
    w.reconcile();
    w.at("2026-11-25T02:00:00Z");
    var d = w.reconcile();
    assertThat(d.delete()).containsExactly("orders-s202611250100-1");
    assertThat(d.create()).extracting(RunDecision.StartJob::runId).containsExactly("s202611250200");
    assertThat(w.run("s202611250100").phase()).isEqualTo(RunPhase.FAILED);
    assertThat(w.run("s202611250100").failure()).isEqualTo(RunFailure.REPLACED);
    // A replaced run is not a failure of the pipeline.
    assertThat(w.condition("Degraded")).isEqualTo("False/NoProblems");
    assertThat(w.condition("Ready")).isEqualTo("False/RunPending");
  }

  @Test
  void allowRunsBoth() {
    var w =
        new PipelineWorld(
            "orders",
            "2026-11-25T00:30:00Z",
            spec().cron("0 * * * *").concurrency(ConcurrencyPolicy.ALLOW).build());
    w.at("2026-11-25T01:00:00Z");
    w.reconcile();
    w.at("2026-11-25T02:00:00Z");
    var d = w.reconcile();
    assertThat(d.delete()).isEmpty();
    assertThat(w.activeJobs()).containsExactly("orders-s202611250100-1", "orders-s202611250200-1");
  }

  @Test
  void historyKeepsTheNewestFinishedRunsAndDeletesOlderJobs() {
    var w = new PipelineWorld("orders", T0, spec().history(2).build());
    for (int g = 1; g <= 4; g++) {
      w.generation = g;
      w.advance(Duration.ofMinutes(1));
      w.reconcile();
      w.succeed("orders-g" + g + "-1", g, g, "wm-" + g);
      w.reconcile();
    }
    assertThat(w.status.runs()).extracting(RunRecord::id).containsExactly("g4", "g3");
    assertThat(w.jobs).containsOnlyKeys("orders-g3-1", "orders-g4-1");
    assertThat(w.status.watermark()).isEqualTo("wm-4");
  }

  @Test
  void historyNeverDeletesARunInProgress() {
    var w =
        new PipelineWorld(
            "orders",
            "2026-11-25T00:30:00Z",
            spec().cron("* * * * *").history(1).concurrency(ConcurrencyPolicy.ALLOW).build());
    w.at("2026-11-25T01:00:00Z");
    w.reconcile();
    for (int m = 1; m <= 3; m++) {
      w.at(String.format("2026-11-25T01:%02d:00Z", m));
      w.reconcile();
      w.succeed(w.created.get(m), 1, 1, null);
      w.reconcile();
    }
    assertThat(w.jobs).containsKey("orders-s202611250100-1");
    assertThat(w.status.runs())
        .extracting(RunRecord::id)
        .containsExactly("s202611250103", "s202611250100");
  }
}

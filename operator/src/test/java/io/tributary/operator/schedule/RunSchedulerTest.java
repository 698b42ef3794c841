package io.tributary.operator.schedule;

import static io.tributary.operator.schedule.PipelineWorld.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.PipelinePhase;
import io.tributary.operator.api.RunPhase;
import io.tributary.operator.api.RunRecord;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Run triggers (spec, run-now, dependsOn) and what a repeated or stale pass does, as traces. */
class RunSchedulerTest {
  private static final String T0 = "2026-11-25T10:00:00Z";

  @Test
  void withoutScheduleOrDependsOnRunsOncePerGeneration() {
    var w = new PipelineWorld("orders", T0, spec().build());
    var d = w.reconcile();
    assertThat(d.create()).extracting(RunDecision.StartJob::jobName).containsExactly("orders-g1-1");
    assertThat(d.create().get(0).trigger()).isEqualTo("spec");
    assertThat(w.status.phase()).isEqualTo(PipelinePhase.PENDING);
    assertThat(w.condition("Ready")).isEqualTo("False/RunPending");
    assertThat(w.condition("Progressing")).isEqualTo("True/RunPending");
    assertThat(d.requeueAfter()).isEmpty();

    w.podRuns("orders-g1-1");
    w.reconcile();
    assertThat(w.status.phase()).isEqualTo(PipelinePhase.RUNNING);
    assertThat(w.condition("Ready")).isEqualTo("False/RunInProgress");
    assertThat(w.condition("Progressing")).isEqualTo("True/RunActive");

    w.advance(Duration.ofMinutes(5));
    assertThat(w.reconcile().create()).isEmpty();

    w.succeed("orders-g1-1", 100, 98, "2026-11-25T09:59:00Z");
    d = w.reconcile();
    assertThat(d.create()).isEmpty();
    RunRecord last = w.status.lastRun();
    assertThat(last.phase()).isEqualTo(RunPhase.SUCCEEDED);
    assertThat(last.recordsRead()).isEqualTo(100);
    assertThat(last.recordsWritten()).isEqualTo(98);
    assertThat(last.recordsRejected()).isEqualTo(2);
    assertThat(last.finishedAt()).isEqualTo("2026-11-25T10:05:00Z");
    assertThat(w.status.lastSuccessfulRun().id()).isEqualTo("g1");
    assertThat(w.status.watermark()).isEqualTo("2026-11-25T09:59:00Z");
    assertThat(w.status.phase()).isEqualTo(PipelinePhase.SUCCEEDED);
    assertThat(w.condition("Ready")).isEqualTo("True/RunSucceeded");
    assertThat(w.condition("Progressing")).isEqualTo("False/Idle");
    assertThat(w.condition("Degraded")).isEqualTo("False/NoProblems");
    assertThat(d.notes())
        .extracting(RunDecision.Note::event)
        .containsExactly(RunEvent.RunSucceeded);

    w.generation = 2;
    d = w.reconcile();
    assertThat(d.create()).extracting(RunDecision.StartJob::jobName).containsExactly("orders-g2-1");
    // A healthy pipeline stays Ready while its next run is going.
    assertThat(w.condition("Ready")).isEqualTo("True/RunSucceeded");
  }

  @Test
  void aSecondPassOverTheSameWorldDecidesNothingAndKeepsTheStatus() {
    var w = new PipelineWorld("orders", T0, spec().cron("0 * * * *").build());
    w.at("2026-11-25T11:00:00Z");
    w.reconcile();
    w.succeed("orders-s202611251100-1", 5, 5, null);
    w.advance(Duration.ofMinutes(3));
    w.reconcile();
    var before = w.status;
    var again = w.reconcile();
    assertThat(again.create()).isEmpty();
    assertThat(again.delete()).isEmpty();
    assertThat(again.notes()).isEmpty();
    assertThat(again.status()).isEqualTo(before);
  }

  @Test
  void aStaleStatusNeverStartsARunTwice() {
    var w = new PipelineWorld("orders", T0, spec().build());
    w.reconcile();
    w.status = null; // the status write was lost, the Job exists
    var d = w.reconcile();
    assertThat(d.create()).isEmpty();
    assertThat(w.status.lastRun().id()).isEqualTo("g1");
    assertThat(w.status.lastSpecRunGeneration()).isEqualTo(1);
  }

  @Test
  void aLostStatusIsRebuiltFromTheJobs() {
    var w = new PipelineWorld("join", T0, spec().dependsOn("x").build());
    w.upstreams = java.util.Map.of("x", new UpstreamRun("g7", RunPhase.SUCCEEDED));
    w.reconcile();
    String id = w.last.create().get(0).runId();
    w.advance(Duration.ofMinutes(2));
    w.status = null; // e.g. the operator crashed between creating the Job and writing status
    var d = w.reconcile();
    assertThat(d.create()).isEmpty();
    assertThat(w.run(id).upstreamRuns()).isEqualTo("x=g7");
    assertThat(w.run(id).scheduledAt()).isEqualTo(T0);
    assertThat(w.status.consumedUpstreamRuns()).containsEntry("x", "g7");
  }

  @Test
  void runNowStartsOneRunPerAnnotationValue() {
    var w = new PipelineWorld("orders", T0, spec().cron("0 2 * * *").build());
    w.reconcile();
    w.runNow = "2026-11-25T10:05:00Z";
    var d = w.reconcile();
    String id =
        "n" + io.tributary.operator.render.Names.sha256("2026-11-25T10:05:00Z").substring(0, 10);
    assertThat(d.create()).extracting(RunDecision.StartJob::runId).containsExactly(id);
    assertThat(d.create().get(0).trigger()).isEqualTo("runNow");
    assertThat(w.status.lastRunNow()).isEqualTo("2026-11-25T10:05:00Z");
    w.succeed(d.create().get(0).jobName(), 1, 1, null);
    assertThat(w.reconcile().create()).isEmpty();
    w.runNow = "again";
    assertThat(w.reconcile().create())
        .extracting(RunDecision.StartJob::runId)
        .containsExactly(RunIds.runNow("again"));
  }

  @Test
  void dependsOnChainRunsEachDownstreamOncePerUpstreamSuccess() {
    var clock = new io.tributary.operator.testing.MutableClock(java.time.Instant.parse(T0));
    var a = new PipelineWorld("a", clock, spec().build());
    var b = new PipelineWorld("b", clock, spec().dependsOn("a").build());
    var c = new PipelineWorld("c", clock, spec().dependsOn("b").build());
    Runnable wire =
        () -> {
          b.upstreams = java.util.Map.of("a", a.asUpstream());
          c.upstreams = java.util.Map.of("b", b.asUpstream());
        };
    a.reconcile();
    wire.run();
    assertThat(b.reconcile().create()).isEmpty();
    assertThat(b.status.phase()).isEqualTo(PipelinePhase.WAITING);
    assertThat(b.condition("Ready")).isEqualTo("False/WaitingForUpstream");
    assertThat(c.reconcile().create()).isEmpty();

    a.succeed("a-g1-1", 10, 10, null);
    a.reconcile();
    wire.run();
    var db = b.reconcile();
    assertThat(db.create()).extracting(RunDecision.StartJob::trigger).containsExactly("dependsOn");
    String bRun = db.create().get(0).runId();
    assertThat(bRun)
        .isEqualTo(RunIds.dependsOn(new java.util.TreeMap<>(java.util.Map.of("a", "g1"))));
    assertThat(b.run(bRun).upstreamRuns()).isEqualTo("a=g1");
    wire.run();
    assertThat(c.reconcile().create()).as("c waits for b's run").isEmpty();
    assertThat(b.reconcile().create()).as("once per upstream success").isEmpty();

    b.succeed(b.created.get(0), 10, 10, null);
    b.reconcile();
    wire.run();
    assertThat(c.reconcile().create())
        .extracting(RunDecision.StartJob::trigger)
        .containsExactly("dependsOn");
    assertThat(b.reconcile().create()).isEmpty();
    assertThat(c.reconcile().create()).isEmpty();

    // a runs again (run-now): b runs once more, then c.
    a.runNow = "rerun";
    a.reconcile();
    wire.run();
    assertThat(b.reconcile().create()).as("a is running again").isEmpty();
    a.succeed(a.created.get(1), 10, 10, null);
    a.reconcile();
    wire.run();
    assertThat(b.reconcile().create()).hasSize(1);
    assertThat(b.reconcile().create()).isEmpty();
    b.succeed(b.created.get(1), 10, 10, null);
    b.reconcile();
    wire.run();
    c.succeed(c.created.get(0), 1, 1, null);
    assertThat(c.reconcile().create()).hasSize(1);
    assertThat(b.created).hasSize(2);
    assertThat(c.created).hasSize(2);
  }

  @Test
  void dependsOnWaitsForEveryUpstreamAndForAMissingOne() {
    var w = new PipelineWorld("join", T0, spec().dependsOn("x", "y").build());
    w.upstreams = java.util.Map.of("x", new UpstreamRun("g1", RunPhase.SUCCEEDED));
    assertThat(w.reconcile().create()).isEmpty();
    assertThat(w.status.phase()).isEqualTo(PipelinePhase.WAITING);
    assertThat(w.status.conditions().get(0).message())
        .isEqualTo("Waiting for spec.dependsOn: y (no such DataPipeline in this namespace)");
    w.upstreams =
        java.util.Map.of(
            "x",
            new UpstreamRun("g1", RunPhase.SUCCEEDED),
            "y",
            new UpstreamRun("g1", RunPhase.FAILED));
    assertThat(w.reconcile().create()).isEmpty();
    w.upstreams =
        java.util.Map.of(
            "x",
            new UpstreamRun("g1", RunPhase.SUCCEEDED),
            "y",
            new UpstreamRun("g2", RunPhase.SUCCEEDED));
    var d = w.reconcile();
    assertThat(d.create()).hasSize(1);
    assertThat(w.status.consumedUpstreamRuns()).containsEntry("x", "g1").containsEntry("y", "g2");
    assertThat(w.run(d.create().get(0).runId()).upstreamRuns()).isEqualTo("x=g1,y=g2");
    // Same run ids of different upstreams do not collide.
    assertThat(RunIds.dependsOn(new java.util.TreeMap<>(java.util.Map.of("x", "g1", "y", "g2"))))
        .isNotEqualTo(
            RunIds.dependsOn(new java.util.TreeMap<>(java.util.Map.of("x", "g2", "y", "g1"))));
  }
}

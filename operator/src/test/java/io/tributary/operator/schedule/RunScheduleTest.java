package io.tributary.operator.schedule;

import static io.tributary.operator.schedule.PipelineWorld.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.PipelinePhase;
import io.tributary.operator.api.RunPhase;
import io.tributary.operator.api.Schedule;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Cron-triggered runs: on time, across DST, after downtime, while suspended. */
class RunScheduleTest {
  @Test
  void scheduleRunsAtEachCronTimeAndRequeuesForTheNext() {
    var w = new PipelineWorld("orders", "2026-11-25T00:30:00Z", spec().cron("0 * * * *").build());
    var d = w.reconcile();
    assertThat(d.create()).isEmpty();
    assertThat(w.status.nextRunTime()).isEqualTo("2026-11-25T01:00:00Z");
    assertThat(w.status.phase()).isEqualTo(PipelinePhase.IDLE);
    assertThat(w.condition("Ready")).isEqualTo("False/Scheduled");
    assertThat(d.requeueAfter()).contains(Duration.ofMinutes(30));

    w.at("2026-11-25T01:00:00Z");
    d = w.reconcile();
    assertThat(d.create()).extracting(RunDecision.StartJob::runId).containsExactly("s202611250100");
    assertThat(d.create().get(0).trigger()).isEqualTo("schedule");
    assertThat(w.status.lastScheduleTime()).isEqualTo("2026-11-25T01:00:00Z");
    assertThat(w.status.nextRunTime()).isEqualTo("2026-11-25T02:00:00Z");
    assertThat(w.run("s202611250100").scheduledAt()).isEqualTo("2026-11-25T01:00:00Z");
    assertThat(d.requeueAfter()).contains(Duration.ofHours(1));

    w.at("2026-11-25T01:00:20Z");
    w.succeed("orders-s202611250100-1", 1, 1, null);
    assertThat(w.reconcile().create()).isEmpty();
    w.at("2026-11-25T02:00:00Z");
    assertThat(w.reconcile().create())
        .extracting(RunDecision.StartJob::runId)
        .containsExactly("s202611250200");
  }

  @Test
  void scheduleInDubaiAndAcrossTheEuropeanSpringForward() {
    var dubai =
        new PipelineWorld(
            "features",
            "2026-11-25T12:00:00Z",
            spec().schedule(new Schedule("0 2 * * *", "Asia/Dubai", null, null)).build());
    dubai.reconcile();
    assertThat(dubai.status.nextRunTime()).isEqualTo("2026-11-25T22:00:00Z");
    dubai.at("2026-11-25T22:00:00Z");
    assertThat(dubai.reconcile().create())
        .extracting(RunDecision.StartJob::runId)
        .containsExactly("s202611252200");

    var berlin =
        new PipelineWorld(
            "features",
            "2026-03-28T12:00:00Z",
            spec().schedule(new Schedule("30 2 * * *", "Europe/Berlin", null, null)).build());
    berlin.reconcile();
    // 02:30 does not exist on 29 March in Berlin: the run goes at 03:00 CEST, once.
    assertThat(berlin.status.nextRunTime()).isEqualTo("2026-03-29T01:00:00Z");
    berlin.at("2026-03-29T01:00:00Z");
    assertThat(berlin.reconcile().create())
        .extracting(RunDecision.StartJob::runId)
        .containsExactly("s202603290100");
    assertThat(berlin.status.nextRunTime()).isEqualTo("2026-03-30T00:30:00Z");
  }

  @Test
  void afterADayOfOperatorDowntimeOneCatchUpRunForTheLatestMissedTime() {
    var w = new PipelineWorld("orders", "2026-11-24T09:30:00Z", spec().cron("0 * * * *").build());
    w.reconcile();
    w.at("2026-11-24T10:00:00Z");
    w.reconcile();
    w.succeed("orders-s202611241000-1", 1, 1, null);
    w.at("2026-11-24T10:01:00Z");
    w.reconcile();
    // The operator is down for a day; 24 hourly times pass unseen.
    w.at("2026-11-25T10:30:00Z");
    var d = w.reconcile();
    assertThat(d.create()).extracting(RunDecision.StartJob::runId).containsExactly("s202611251000");
    assertThat(w.run("s202611251000").scheduledAt()).isEqualTo("2026-11-25T10:00:00Z");
    assertThat(w.status.nextRunTime()).isEqualTo("2026-11-25T11:00:00Z");
    assertThat(w.reconcile().create()).isEmpty();
  }

  @Test
  void missedTimesOlderThanTheStartingDeadlineAreNotCaughtUp() {
    var w =
        new PipelineWorld(
            "orders",
            "2026-11-24T09:30:00Z",
            spec().schedule(new Schedule("0 * * * *", null, null, "10m")).build());
    w.reconcile();
    w.at("2026-11-25T10:30:00Z");
    var d = w.reconcile();
    assertThat(d.create()).isEmpty();
    assertThat(d.notes()).extracting(RunDecision.Note::event).containsExactly(RunEvent.MissedRun);
    assertThat(w.status.lastScheduleTime()).isEqualTo("2026-11-25T10:00:00Z");
    w.at("2026-11-25T11:00:00Z");
    assertThat(w.reconcile().create())
        .extracting(RunDecision.StartJob::runId)
        .containsExactly("s202611251100");
  }

  @Test
  void suspendStopsNewRunsAndResumeCatchesUpOnce() {
    var w = new PipelineWorld("orders", "2026-11-24T09:30:00Z", spec().cron("0 * * * *").build());
    w.reconcile();
    w.spec = spec().cron("0 * * * *").suspend(true).build();
    w.generation = 2;
    w.at("2026-11-24T10:00:00Z");
    var d = w.reconcile();
    assertThat(d.create()).isEmpty();
    assertThat(d.requeueAfter()).isEmpty();
    assertThat(w.status.phase()).isEqualTo(PipelinePhase.SUSPENDED);
    assertThat(w.status.nextRunTime()).isNull();
    assertThat(w.condition("Ready")).isEqualTo("False/Suspended");
    w.runNow = "please";
    w.at("2026-11-25T10:30:00Z");
    assertThat(w.reconcile().create()).as("run-now waits for resume too").isEmpty();

    w.spec = spec().cron("0 * * * *").build();
    w.generation = 3;
    d = w.reconcile();
    assertThat(d.create())
        .extracting(RunDecision.StartJob::runId)
        .containsExactlyInAnyOrder(RunIds.runNow("please"));
    // Forbid: the catch-up time was due while the run-now run started: it is skipped, visibly.
    assertThat(w.run("s202611251000").phase()).isEqualTo(RunPhase.SKIPPED);
  }

  @Test
  void resumeWithMissedRunsSkipWaitsForTheNextTime() {
    Schedule skip = new Schedule("0 * * * *", null, Schedule.MissedRunPolicy.SKIP, null);
    var w =
        new PipelineWorld(
            "orders", "2026-11-24T09:30:00Z", spec().schedule(skip).suspend(true).build());
    w.reconcile();
    w.at("2026-11-25T10:30:00Z");
    w.spec = spec().schedule(skip).build();
    var d = w.reconcile();
    assertThat(d.create()).isEmpty();
    assertThat(d.notes())
        .extracting(RunDecision.Note::event)
        .containsExactly(RunEvent.MissedRunSkipped);
    assertThat(w.status.nextRunTime()).isEqualTo("2026-11-25T11:00:00Z");
    assertThat(d.requeueAfter()).contains(Duration.ofMinutes(30));
    w.at("2026-11-25T11:00:00Z");
    assertThat(w.reconcile().create())
        .extracting(RunDecision.StartJob::runId)
        .containsExactly("s202611251100");
  }

  @Test
  void resumeWithRunOnceCatchesUpTheLatestMissedTime() {
    var w =
        new PipelineWorld(
            "orders", "2026-11-24T09:30:00Z", spec().cron("0 * * * *").suspend(true).build());
    w.reconcile();
    w.at("2026-11-25T10:30:00Z");
    w.spec = spec().cron("0 * * * *").build();
    assertThat(w.reconcile().create())
        .extracting(RunDecision.StartJob::runId)
        .containsExactly("s202611251000");
  }
}

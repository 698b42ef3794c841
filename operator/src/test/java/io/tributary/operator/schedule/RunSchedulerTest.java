package io.tributary.operator.schedule;

import static io.tributary.operator.schedule.PipelineWorld.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.ConcurrencyPolicy;
import io.tributary.operator.api.RunRecord;
import io.tributary.operator.api.Schedule;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunSchedulerTest {
  private static final String T0 = "2026-11-25T10:00:00Z";

  @Test
  void withoutScheduleOrDependsOnRunsOncePerGeneration() {
    var w = new PipelineWorld("orders", T0, spec().build());
    var d = w.reconcile();
    assertThat(d.create()).extracting(RunDecision.StartJob::jobName).containsExactly("orders-g1-1");
    assertThat(d.create().get(0).trigger()).isEqualTo("spec");
    assertThat(w.status.phase()).isEqualTo("Running");
    assertThat(w.condition("Ready")).isEqualTo("False/RunInProgress");
    assertThat(w.condition("Progressing")).isEqualTo("True/RunActive");
    assertThat(d.requeueAfter()).isEmpty();

    w.advance(Duration.ofMinutes(5));
    assertThat(w.reconcile().create()).isEmpty();

    w.succeed("orders-g1-1", 100, 98, "2026-11-25T09:59:00Z");
    d = w.reconcile();
    assertThat(d.create()).isEmpty();
    RunRecord last = w.status.lastRun();
    assertThat(last.phase()).isEqualTo("Succeeded");
    assertThat(last.recordsRead()).isEqualTo(100);
    assertThat(last.recordsWritten()).isEqualTo(98);
    assertThat(last.recordsRejected()).isEqualTo(2);
    assertThat(last.finishedAt()).isEqualTo("2026-11-25T10:05:00Z");
    assertThat(w.status.lastSuccessfulRun().id()).isEqualTo("g1");
    assertThat(w.status.watermark()).isEqualTo("2026-11-25T09:59:00Z");
    assertThat(w.status.phase()).isEqualTo("Succeeded");
    assertThat(w.condition("Ready")).isEqualTo("True/RunSucceeded");
    assertThat(w.condition("Progressing")).isEqualTo("False/Idle");
    assertThat(w.condition("Degraded")).isEqualTo("False/NoProblems");
    assertThat(d.notes()).extracting(RunDecision.Note::reason).containsExactly("RunSucceeded");

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
    assertThat(RunScheduler.needsOutcome(w.jobs.get("orders-s202611251100-1"), w.status)).isFalse();
  }

  @Test
  void retryableFailuresBackOffExponentiallyUntilTheLimit() {
    var w = new PipelineWorld("orders", T0, spec().build());
    w.reconcile();
    String[] expectedBackoff = {"PT30S", "PT1M", "PT2M"};
    for (int attempt = 1; attempt <= 3; attempt++) {
      String job = "orders-g1-" + attempt;
      w.fail(job, 75, "retryable", "jdbc: connection refused");
      var d = w.reconcile();
      assertThat(d.create()).isEmpty();
      assertThat(w.status.phase()).isEqualTo("BackingOff");
      assertThat(w.run("g1").failure()).isEqualTo("retryable");
      assertThat(d.requeueAfter()).contains(Duration.parse(expectedBackoff[attempt - 1]));
      w.advance(Duration.parse(expectedBackoff[attempt - 1]).minusSeconds(1));
      assertThat(w.reconcile().create()).as("retry not before its backoff").isEmpty();
      w.advance(Duration.ofSeconds(1));
      d = w.reconcile();
      assertThat(d.create())
          .extracting(RunDecision.StartJob::jobName)
          .containsExactly("orders-g1-" + (attempt + 1));
      assertThat(w.run("g1").attempt()).isEqualTo(attempt + 1);
    }
    w.fail("orders-g1-4", 75, "retryable", "jdbc: connection refused");
    var d = w.reconcile();
    assertThat(d.create()).isEmpty();
    assertThat(d.requeueAfter()).isEmpty();
    assertThat(w.status.phase()).isEqualTo("Failed");
    assertThat(w.condition("Ready")).isEqualTo("False/RunFailed");
    assertThat(w.condition("Degraded")).isEqualTo("True/RetriesExhausted");
    assertThat(d.notes()).extracting(RunDecision.Note::reason).containsExactly("RetriesExhausted");
    // Every attempt's Job is kept for its logs.
    assertThat(w.jobs).containsOnlyKeys("orders-g1-1", "orders-g1-2", "orders-g1-3", "orders-g1-4");
  }

  @ParameterizedTest(name = "backoff after attempt {0} = {1}")
  @CsvSource({"1, PT30S", "2, PT1M", "3, PT2M", "4, PT4M", "5, PT8M", "6, PT10M", "12, PT10M"})
  void backoffDoublesUpToTheMaximum(int attempt, String expected) {
    RunPolicy policy = RunPolicy.of(spec().build());
    assertThat(policy.backoff(attempt)).isEqualTo(Duration.parse(expected));
  }

  @Test
  void customRetryPolicy() {
    RunPolicy policy = RunPolicy.of(spec().retries(1, "5s", "7s").build());
    assertThat(policy.retryLimit()).isEqualTo(1);
    assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(7));
  }

  @ParameterizedTest(name = "exit {0}, failure {1} -> {2}")
  @CsvSource({
    "65, permanent, Failed",
    "78, permanent, Failed",
    "1,  permanent, Failed",
    "65, ,          Failed",
    "75, retryable, BackingOff",
    "137, ,         BackingOff",
    "0,   ,         BackingOff",
  })
  void permanentFailuresAreNeverRetried(int exit, String failure, String phase) {
    var w = new PipelineWorld("orders", T0, spec().build());
    w.reconcile();
    w.fail("orders-g1-1", exit, failure, "too many rejected records");
    var d = w.reconcile();
    assertThat(w.status.phase()).isEqualTo(phase);
    assertThat(d.create()).isEmpty();
    if (phase.equals("Failed")) {
      assertThat(w.run("g1").failure()).isEqualTo("permanent");
      assertThat(w.condition("Degraded")).isEqualTo("True/RetriesExhausted");
      assertThat(d.requeueAfter()).isEmpty();
      w.advance(Duration.ofHours(1));
      assertThat(w.reconcile().create()).isEmpty();
    }
  }

  @Test
  void podsOfFinishedAttemptsAreReadOnlyUntilTheirOutcomeIsRecorded() {
    var w = new PipelineWorld("orders", T0, spec().build());
    w.reconcile();
    assertThat(RunScheduler.needsOutcome(w.jobs.get("orders-g1-1"), w.status)).isFalse();
    w.fail("orders-g1-1", 75, "retryable", "timeout");
    assertThat(RunScheduler.needsOutcome(w.jobs.get("orders-g1-1"), w.status)).isTrue();
    w.reconcile();
    assertThat(RunScheduler.needsOutcome(w.jobs.get("orders-g1-1"), w.status)).isFalse();
    w.advance(Duration.ofSeconds(30));
    w.reconcile();
    assertThat(w.run("g1").attempt()).isEqualTo(2);
    assertThat(RunScheduler.needsOutcome(w.jobs.get("orders-g1-1"), w.status)).isFalse();
  }

  @Test
  void aJobKilledByItsDeadlineWithoutSummaryIsRetried() {
    var w = new PipelineWorld("orders", T0, spec().build());
    w.reconcile();
    w.killByDeadline("orders-g1-1");
    w.reconcile();
    assertThat(w.run("g1").phase()).isEqualTo("BackingOff");
    assertThat(w.run("g1").message()).contains("spec.runTimeout");
    w.advance(Duration.ofSeconds(30));
    assertThat(w.reconcile().create()).extracting(RunDecision.StartJob::attempt).containsExactly(2);
  }

  @Test
  void aJobDeletedByHandCountsAsARetryableFailureAfterAGracePeriod() {
    var w = new PipelineWorld("orders", T0, spec().build());
    w.reconcile();
    w.jobs.clear();
    // Just created: the informer may not have it yet.
    var d = w.reconcile();
    assertThat(w.run("g1").phase()).isEqualTo("Running");
    assertThat(d.requeueAfter()).contains(Duration.ofMinutes(1));
    w.advance(Duration.ofMinutes(1));
    w.reconcile();
    assertThat(w.run("g1").phase()).isEqualTo("BackingOff");
    assertThat(w.run("g1").message()).contains("disappeared");
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
    w.upstreams = java.util.Map.of("x", new UpstreamRun("g7", "Succeeded"));
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
  void scheduleRunsAtEachCronTimeAndRequeuesForTheNext() {
    var w = new PipelineWorld("orders", "2026-11-25T00:30:00Z", spec().cron("0 * * * *").build());
    var d = w.reconcile();
    assertThat(d.create()).isEmpty();
    assertThat(w.status.nextRunTime()).isEqualTo("2026-11-25T01:00:00Z");
    assertThat(w.status.phase()).isEqualTo("Idle");
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
    assertThat(d.notes()).extracting(RunDecision.Note::reason).containsExactly("MissedRun");
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
    assertThat(w.status.phase()).isEqualTo("Suspended");
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
    assertThat(w.run("s202611251000").phase()).isEqualTo("Skipped");
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
    assertThat(d.notes()).extracting(RunDecision.Note::reason).containsExactly("MissedRunSkipped");
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

  @Test
  void forbidSkipsAScheduledRunWhileOneIsActiveAndRecordsIt() {
    var w = new PipelineWorld("orders", "2026-11-25T00:30:00Z", spec().cron("0 * * * *").build());
    w.at("2026-11-25T01:00:00Z");
    w.reconcile();
    w.at("2026-11-25T02:00:00Z");
    var d = w.reconcile();
    assertThat(d.create()).isEmpty();
    assertThat(w.run("s202611250200").phase()).isEqualTo("Skipped");
    assertThat(w.run("s202611250200").message()).contains("s202611250100", "Forbid");
    assertThat(d.notes()).extracting(RunDecision.Note::reason).containsExactly("RunSkipped");
    assertThat(w.status.lastRun().id()).isEqualTo("s202611250100");
    assertThat(w.status.phase()).isEqualTo("Running");
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
    assertThat(w.run("s202611250100").phase()).isEqualTo("Failed");
    assertThat(w.run("s202611250100").failure()).isEqualTo("replaced");
    // A replaced run is not a failure of the pipeline.
    assertThat(w.condition("Degraded")).isEqualTo("False/NoProblems");
    assertThat(w.condition("Ready")).isEqualTo("False/RunInProgress");
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
    var clock = new PipelineWorld.FakeClock(java.time.Instant.parse(T0));
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
    assertThat(b.status.phase()).isEqualTo("Waiting");
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
    w.upstreams = java.util.Map.of("x", new UpstreamRun("g1", "Succeeded"));
    assertThat(w.reconcile().create()).isEmpty();
    assertThat(w.status.phase()).isEqualTo("Waiting");
    assertThat(w.status.conditions().get(0).message())
        .isEqualTo("Waiting for spec.dependsOn: y (no such DataPipeline in this namespace)");
    w.upstreams =
        java.util.Map.of(
            "x", new UpstreamRun("g1", "Succeeded"), "y", new UpstreamRun("g1", "Failed"));
    assertThat(w.reconcile().create()).isEmpty();
    w.upstreams =
        java.util.Map.of(
            "x", new UpstreamRun("g1", "Succeeded"), "y", new UpstreamRun("g2", "Succeeded"));
    var d = w.reconcile();
    assertThat(d.create()).hasSize(1);
    assertThat(w.status.consumedUpstreamRuns()).containsEntry("x", "g1").containsEntry("y", "g2");
    assertThat(w.run(d.create().get(0).runId()).upstreamRuns()).isEqualTo("x=g1,y=g2");
    // Same run ids of different upstreams do not collide.
    assertThat(RunIds.dependsOn(new java.util.TreeMap<>(java.util.Map.of("x", "g1", "y", "g2"))))
        .isNotEqualTo(
            RunIds.dependsOn(new java.util.TreeMap<>(java.util.Map.of("x", "g2", "y", "g1"))));
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

  @Test
  void invalidRunSettingsNameTheField() {
    assertThat(RunPolicy.validate(spec().cron("0 2 * *").build()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("spec.schedule.cron"));
    assertThat(
            RunPolicy.validate(
                spec().schedule(new Schedule("@daily", "Nowhere/Land", null, null)).build()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("spec.schedule.timeZone"));
    assertThat(RunPolicy.validate(spec().retries(3, "soon", null).build()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("spec.retries.initialBackoff: 'soon'"));
    assertThat(RunPolicy.validate(spec().build())).isEmpty();
  }

  @SuppressWarnings("unused")
  private static List<String> ids(List<RunRecord> runs) {
    return runs.stream().map(RunRecord::id).toList();
  }
}

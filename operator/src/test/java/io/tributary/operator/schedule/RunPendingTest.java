package io.tributary.operator.schedule;

import static io.tributary.operator.schedule.PipelineWorld.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.ConcurrencyPolicy;
import io.tributary.operator.api.PipelinePhase;
import io.tributary.operator.api.RunPhase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A run is Running only once its worker runs: until then it is Pending, and a pod the scheduler
 * cannot place says so with the scheduler's own words.
 */
class RunPendingTest {
  private static final String T0 = "2026-11-25T10:00:00Z";
  private static final String NO_NODE =
      "0/8 nodes are available: 1 Insufficient cpu, 7 node(s) had untolerated taint"
          + " {kwok.x-k8s.io/node: fake}.";

  @Test
  void anUnschedulableFirstRunIsPendingWithTheSchedulersMessageUntilItRuns() {
    var w = new PipelineWorld("orders", T0, spec().build());
    w.reconcile();
    w.podUnschedulable("orders-g1-1", NO_NODE);
    var d = w.reconcile();

    assertThat(w.status.phase()).isEqualTo(PipelinePhase.PENDING);
    assertThat(w.run("g1").phase()).isEqualTo(RunPhase.PENDING);
    assertThat(w.run("g1").message()).isEqualTo(NO_NODE);
    assertThat(w.condition("Ready")).isEqualTo("False/Unschedulable");
    assertThat(w.condition("Progressing")).isEqualTo("True/Unschedulable");
    assertThat(w.conditionMessage("Progressing"))
        .isEqualTo("Run g1 attempt 1 is waiting for a node; the scheduler says: " + NO_NODE);
    assertThat(w.conditionMessage("Ready")).contains("is pending", NO_NODE);
    assertThat(d.notes()).isEmpty();
    assertThat(d.create()).isEmpty();
    // Nothing moves while the pod waits: the same world gives the same status.
    w.advance(Duration.ofMinutes(10));
    var before = w.status;
    assertThat(w.reconcile().status()).isEqualTo(before);

    w.podRuns("orders-g1-1");
    w.reconcile();
    assertThat(w.status.phase()).isEqualTo(PipelinePhase.RUNNING);
    assertThat(w.run("g1").message()).isNull();
    assertThat(w.condition("Ready")).isEqualTo("False/RunInProgress");
    assertThat(w.condition("Progressing")).isEqualTo("True/RunActive");
  }

  @Test
  void aPendingRunAfterASuccessKeepsThePipelineReady() {
    var w = new PipelineWorld("orders", T0, spec().build());
    w.reconcile();
    w.succeed("orders-g1-1", 5, 5, null);
    w.reconcile();
    w.generation = 2;
    w.reconcile();
    w.podUnschedulable("orders-g2-1", NO_NODE);
    w.reconcile();
    assertThat(w.status.phase()).isEqualTo(PipelinePhase.PENDING);
    assertThat(w.condition("Ready")).isEqualTo("True/RunSucceeded");
    assertThat(w.condition("Progressing")).isEqualTo("True/Unschedulable");
  }

  @Test
  void aJustCreatedAttemptIsPendingUntilItsPodIsSeen() {
    var w = new PipelineWorld("orders", T0, spec().build());
    var d = w.reconcile();
    assertThat(w.run("g1").phase()).isEqualTo(RunPhase.PENDING);
    assertThat(w.run("g1").message()).isEqualTo("waiting for the pod of Job orders-g1-1 to start");
    assertThat(w.condition("Progressing")).isEqualTo("True/RunPending");
    assertThat(d.notes()).extracting(RunDecision.Note::event).containsExactly(RunEvent.RunStarted);
    // The Job seen without its pod says the same: no second status write for it.
    var before = w.status;
    assertThat(w.reconcile().status()).isEqualTo(before);
  }

  @Test
  void aRetryIsPendingAgainUntilItsPodRuns() {
    var w = new PipelineWorld("orders", T0, spec().build());
    w.reconcile();
    w.podRuns("orders-g1-1");
    w.fail("orders-g1-1", 75, "retryable", "timeout");
    w.reconcile();
    w.advance(Duration.ofSeconds(30));
    var d = w.reconcile();
    assertThat(d.notes())
        .extracting(RunDecision.Note::event)
        .containsExactly(RunEvent.RetryStarted);
    assertThat(w.run("g1").phase()).isEqualTo(RunPhase.PENDING);
    assertThat(w.run("g1").attempt()).isEqualTo(2);
    assertThat(w.run("g1").failure()).as("the new attempt has not failed").isNull();
    assertThat(w.status.phase()).isEqualTo(PipelinePhase.PENDING);
  }

  @Test
  void replaceStopsAPendingRunToo() {
    var w =
        new PipelineWorld(
            "orders",
            "2026-11-25T00:30:00Z",
            spec().cron("0 * * * *").concurrency(ConcurrencyPolicy.REPLACE).build());
    w.at("2026-11-25T01:00:00Z");
    w.reconcile();
    w.podUnschedulable("orders-s202611250100-1", NO_NODE);
    w.at("2026-11-25T02:00:00Z");
    var d = w.reconcile();
    assertThat(d.delete()).containsExactly("orders-s202611250100-1");
  }

  @Test
  void withAllowARunningRunOutranksAPendingOneInThePipelinePhase() {
    var w =
        new PipelineWorld(
            "orders",
            "2026-11-25T00:30:00Z",
            spec().cron("0 * * * *").concurrency(ConcurrencyPolicy.ALLOW).build());
    w.at("2026-11-25T01:00:00Z");
    w.reconcile();
    w.podRuns("orders-s202611250100-1");
    w.at("2026-11-25T02:00:00Z");
    w.reconcile();
    w.podUnschedulable("orders-s202611250200-1", NO_NODE);
    w.reconcile();
    assertThat(w.status.phase()).isEqualTo(PipelinePhase.RUNNING);
    // The conditions speak of the newest run: the one that waits.
    assertThat(w.condition("Progressing")).isEqualTo("True/Unschedulable");
  }
}

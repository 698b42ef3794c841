package io.tributary.operator.schedule;

import static io.tributary.operator.schedule.PipelineWorld.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.PipelinePhase;
import io.tributary.operator.api.RunFailure;
import io.tributary.operator.api.RunPhase;
import io.tributary.operator.api.Schedule;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Failed attempts: exponential backoff, permanent failures, lost Jobs; as traces on a fake clock.
 */
class RunRetriesTest {
  private static final String T0 = "2026-11-25T10:00:00Z";

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
      assertThat(w.status.phase()).isEqualTo(PipelinePhase.BACKING_OFF);
      assertThat(w.run("g1").failure()).isEqualTo(RunFailure.RETRYABLE);
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
    assertThat(w.status.phase()).isEqualTo(PipelinePhase.FAILED);
    assertThat(w.condition("Ready")).isEqualTo("False/RunFailed");
    assertThat(w.condition("Degraded")).isEqualTo("True/RetriesExhausted");
    assertThat(d.notes())
        .extracting(RunDecision.Note::event)
        .containsExactly(RunEvent.RetriesExhausted);
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
    assertThat(w.status.phase()).hasToString(phase);
    assertThat(d.create()).isEmpty();
    if (phase.equals("Failed")) {
      assertThat(w.run("g1").failure()).isEqualTo(RunFailure.PERMANENT);
      assertThat(w.condition("Degraded")).isEqualTo("True/RetriesExhausted");
      assertThat(d.requeueAfter()).isEmpty();
      w.advance(Duration.ofHours(1));
      assertThat(w.reconcile().create()).isEmpty();
    }
  }

  @Test
  void aJobKilledByItsDeadlineWithoutSummaryIsRetried() {
    var w = new PipelineWorld("orders", T0, spec().build());
    w.reconcile();
    w.killByDeadline("orders-g1-1");
    w.reconcile();
    assertThat(w.run("g1").phase()).isEqualTo(RunPhase.BACKING_OFF);
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
    assertThat(w.run("g1").phase()).isEqualTo(RunPhase.PENDING);
    assertThat(d.requeueAfter()).contains(Duration.ofMinutes(1));
    w.advance(Duration.ofMinutes(1));
    w.reconcile();
    assertThat(w.run("g1").phase()).isEqualTo(RunPhase.BACKING_OFF);
    assertThat(w.run("g1").message()).contains("disappeared");
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
}

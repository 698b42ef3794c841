package io.tributary.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.tributary.operator.schedule.ObservedJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobObservationsTest {

  @Test
  void anActiveJobCarriesItsRunIdentity() {
    ObservedJob o = JobObservations.of(job(null, null));
    assertThat(o.name()).isEqualTo("orders-s202611250200-2");
    assertThat(o.runId()).isEqualTo("s202611250200");
    assertThat(o.attempt()).isEqualTo(2);
    assertThat(o.trigger()).isEqualTo("schedule");
    assertThat(o.state()).isEqualTo(ObservedJob.State.ACTIVE);
    assertThat(o.startedAt()).isEqualTo(Instant.parse("2026-11-25T02:00:01Z"));
  }

  @Test
  void completeAndFailedConditionsEndTheJob() {
    ObservedJob done = JobObservations.of(job("Complete", null));
    assertThat(done.state()).isEqualTo(ObservedJob.State.SUCCEEDED);
    assertThat(done.finishedAt()).isEqualTo(Instant.parse("2026-11-25T02:10:00Z"));
    ObservedJob killed = JobObservations.of(job("Failed", "DeadlineExceeded"));
    assertThat(killed.state()).isEqualTo(ObservedJob.State.FAILED);
    assertThat(killed.deadlineExceeded()).isTrue();
    assertThat(JobObservations.of(job("Failed", "BackoffLimitExceeded")).deadlineExceeded())
        .isFalse();
  }

  @Test
  void theNewestPodsTerminationMessageIsTheRunSummary() {
    ObservedJob o =
        JobObservations.withOutcome(
            JobObservations.of(job("Failed", null)),
            List.of(
                pod("2026-11-25T02:00:01Z", 137, "OOMKilled"),
                pod(
                    "2026-11-25T02:05:00Z",
                    65,
                    "{\"runId\":\"s202611250200\",\"outcome\":\"Failed\",\"failure\":\"permanent\","
                        + "\"message\":\"42% rejected\",\"recordsRead\":100,\"recordsWritten\":0,"
                        + "\"recordsRejected\":42,\"durationMillis\":5}")));
    assertThat(o.exitCode()).isEqualTo(65);
    assertThat(o.summary().failure()).isEqualTo("permanent");
    assertThat(o.summary().recordsRejected()).isEqualTo(42);
  }

  @Test
  void aLogTailInsteadOfASummaryIsNoSummary() {
    // FallbackToLogsOnError puts the log tail in the message when the worker wrote nothing.
    ObservedJob o =
        JobObservations.withOutcome(
            JobObservations.of(job("Failed", null)),
            List.of(pod("2026-11-25T02:00:01Z", 1, "Exception in thread main ...")));
    assertThat(o.exitCode()).isEqualTo(1);
    assertThat(o.summary()).isNull();
    assertThat(JobObservations.summary("{not json")).isNull();
  }

  private static Job job(String condition, String reason) {
    var b =
        new JobBuilder()
            .withNewMetadata()
            .withName("orders-s202611250200-2")
            .withLabels(Map.of("tributary.io/run-id", "s202611250200", "tributary.io/attempt", "2"))
            .withAnnotations(Map.of("tributary.io/trigger", "schedule"))
            .withCreationTimestamp("2026-11-25T02:00:00Z")
            .endMetadata()
            .withNewStatus()
            .withStartTime("2026-11-25T02:00:01Z")
            .endStatus();
    if (condition != null) {
      b.editStatus()
          .withConditions(
              new JobConditionBuilder()
                  .withType(condition)
                  .withStatus("True")
                  .withReason(reason)
                  .withLastTransitionTime("2026-11-25T02:10:00Z")
                  .build())
          .endStatus();
    }
    return b.build();
  }

  private static Pod pod(String created, int exit, String message) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p-" + created)
        .withCreationTimestamp(created)
        .endMetadata()
        .withNewStatus()
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("worker")
                .withNewState()
                .withNewTerminated()
                .withExitCode(exit)
                .withMessage(message)
                .endTerminated()
                .endState()
                .build())
        .endStatus()
        .build();
  }
}

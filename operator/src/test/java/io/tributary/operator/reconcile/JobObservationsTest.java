package io.tributary.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.tributary.operator.schedule.ObservedJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobObservationsTest {
  private static final String SCHEDULER_SAYS =
      "0/8 nodes are available: 1 Insufficient cpu, 7 node(s) had untolerated taint"
          + " {kwok.x-k8s.io/node: fake}. preemption: 0/8 nodes are available: 8 Preemption is"
          + " not helpful for scheduling.";

  @Test
  void anActiveJobCarriesItsRunIdentity() {
    ObservedJob o = JobObservations.of(job(null, null), List.of(running()));
    assertThat(o.name()).isEqualTo("orders-s202611250200-2");
    assertThat(o.runId()).isEqualTo("s202611250200");
    assertThat(o.attempt()).isEqualTo(2);
    assertThat(o.trigger()).isEqualTo("schedule");
    assertThat(o.state()).isEqualTo(ObservedJob.State.RUNNING);
    assertThat(o.waiting()).isNull();
    assertThat(o.startedAt()).isEqualTo(Instant.parse("2026-11-25T02:00:01Z"));
  }

  @Test
  void aJobWhosePodIsNotThereYetIsPending() {
    ObservedJob o = JobObservations.of(job(null, null), null);
    assertThat(o.state()).isEqualTo(ObservedJob.State.PENDING);
    assertThat(o.waiting().unschedulable()).isFalse();
    assertThat(o.waiting().message())
        .isEqualTo("waiting for the pod of Job orders-s202611250200-2 to start");
  }

  @Test
  void aPodTheSchedulerCannotPlaceIsUnschedulableWithTheSchedulersMessage() {
    Pod pod =
        new PodBuilder(pod("2026-11-25T02:00:01Z"))
            .withNewStatus()
            .withPhase("Pending")
            .withConditions(
                new PodConditionBuilder()
                    .withType("PodScheduled")
                    .withStatus("False")
                    .withReason("Unschedulable")
                    .withMessage(SCHEDULER_SAYS)
                    .build())
            .endStatus()
            .build();
    ObservedJob o = JobObservations.of(job(null, null), List.of(pod));
    assertThat(o.state()).isEqualTo(ObservedJob.State.PENDING);
    assertThat(o.waiting().unschedulable()).isTrue();
    assertThat(o.waiting().message()).isEqualTo(SCHEDULER_SAYS);
  }

  @Test
  void aPodWhoseWorkerCannotStartSaysWhyButACreatingOneIsOnlyStarting() {
    ObservedJob stuck =
        JobObservations.of(
            job(null, null),
            List.of(waiting("ErrImageNeverPull", "Container image is not present")));
    assertThat(stuck.state()).isEqualTo(ObservedJob.State.PENDING);
    assertThat(stuck.waiting().unschedulable()).isFalse();
    assertThat(stuck.waiting().message())
        .isEqualTo(
            "the worker container of Job orders-s202611250200-2 cannot start: ErrImageNeverPull:"
                + " Container image is not present");

    ObservedJob creating =
        JobObservations.of(job(null, null), List.of(waiting("ContainerCreating", null)));
    assertThat(creating.waiting())
        .isEqualTo(ObservedJob.Waiting.starting("orders-s202611250200-2"));
  }

  @Test
  void completeAndFailedConditionsEndTheJob() {
    ObservedJob done = JobObservations.of(job("Complete", null), List.of());
    assertThat(done.state()).isEqualTo(ObservedJob.State.SUCCEEDED);
    assertThat(done.finishedAt()).isEqualTo(Instant.parse("2026-11-25T02:10:00Z"));
    ObservedJob killed = JobObservations.of(job("Failed", "DeadlineExceeded"), List.of());
    assertThat(killed.state()).isEqualTo(ObservedJob.State.FAILED);
    assertThat(killed.deadlineExceeded()).isTrue();
    assertThat(JobObservations.finished(job("Failed", "DeadlineExceeded"))).isTrue();
    assertThat(JobObservations.finished(job(null, null))).isFalse();
    assertThat(
            JobObservations.of(job("Failed", "BackoffLimitExceeded"), List.of()).deadlineExceeded())
        .isFalse();
  }

  @Test
  void theNewestPodsTerminationMessageIsTheRunSummary() {
    ObservedJob o =
        JobObservations.of(
            job("Failed", null),
            List.of(
                terminated("2026-11-25T02:00:01Z", 137, "OOMKilled"),
                terminated(
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
        JobObservations.of(
            job("Failed", null),
            List.of(terminated("2026-11-25T02:00:01Z", 1, "Exception in thread main ...")));
    assertThat(o.exitCode()).isEqualTo(1);
    assertThat(o.summary()).isNull();
    assertThat(JobObservations.summary("{not json")).isNull();
  }

  @Test
  void podsAreGroupedByTheJobThatMadeThem() {
    Pod a = labelled(pod("2026-11-25T02:00:01Z"), "orders-g1-1");
    Pod b = labelled(pod("2026-11-25T02:00:02Z"), "orders-g1-2");
    Pod stray = pod("2026-11-25T02:00:03Z");
    assertThat(JobObservations.byJob(List.of(a, b, stray)))
        .containsOnlyKeys("orders-g1-1", "orders-g1-2")
        .containsEntry("orders-g1-2", List.of(b));
  }

  /**
   * A run split into 3 parts is an Indexed Job of 4: it has not succeeded while only parts did, and
   * a failed pod that Kubernetes retries is no failure of the run.
   */
  @Test
  void aRunInPartsRunsUntilEveryIndexIsDoneAndAFailedPodIsRetriedNotFailed() {
    Job partsDone = indexed(job(null, null), 3, 1);
    Pod retrying = indexPod(terminated("2026-11-25T02:00:02Z", 75, RETRY_SUMMARY), "1");
    Pod commit = indexPod(running(), "3");
    ObservedJob o = JobObservations.of(partsDone, List.of(retrying, commit));
    assertThat(o.state()).isEqualTo(ObservedJob.State.RUNNING);
    assertThat(o.finished()).isFalse();
    assertThat(o.summary()).isNull();
    assertThat(o.progress())
        .isEqualTo("3 of 3 parts staged, 1 pod failed and retried; publishing them all at once");
    Job twoStaged = indexed(job(null, null), 2, 0);
    assertThat(JobObservations.of(twoStaged, List.of(commit)).progress())
        .isEqualTo("2 of 3 parts staged; the commit index publishes them once all are");
  }

  /** Once the Job completed, the commit index's summary, the parts added up, is the run's. */
  @Test
  void aCompletedRunInPartsReportsTheCommitIndexsSummary() {
    Job done = indexed(job("Complete", null), 4, 1);
    String partSummary =
        "{\"runId\":\"s202611250200\",\"outcome\":\"Succeeded\",\"recordsRead\":4,"
            + "\"recordsWritten\":4,\"recordsRejected\":0,\"durationMillis\":5}";
    String runSummary =
        "{\"runId\":\"s202611250200\",\"outcome\":\"Succeeded\",\"recordsRead\":12,"
            + "\"recordsWritten\":12,\"recordsRejected\":0,\"durationMillis\":9}";
    Pod commit = indexPod(succeeded("2026-11-25T02:00:01Z", runSummary), "3");
    Pod lastPart = indexPod(succeeded("2026-11-25T02:00:05Z", partSummary), "2");
    ObservedJob o = JobObservations.of(done, List.of(commit, lastPart));
    assertThat(o.state()).isEqualTo(ObservedJob.State.SUCCEEDED);
    assertThat(o.summary().recordsRead()).isEqualTo(12);
    assertThat(o.exitCode()).isZero();
  }

  /** A failed Job of parts reports the pod that failed, not the commit index it stopped. */
  @Test
  void aFailedRunInPartsReportsThePodThatFailed() {
    Job failed = indexed(job("Failed", "FailedIndexes"), 2, 1);
    Pod part = indexPod(terminated("2026-11-25T02:00:03Z", 65, PERMANENT_SUMMARY), "2");
    Pod commit = indexPod(terminated("2026-11-25T02:00:04Z", 143, null), "3");
    ObservedJob o = JobObservations.of(failed, List.of(part, commit));
    assertThat(o.state()).isEqualTo(ObservedJob.State.FAILED);
    assertThat(o.exitCode()).isEqualTo(65);
    assertThat(o.summary().message()).isEqualTo("bad column");
  }

  private static final String RETRY_SUMMARY =
      "{\"runId\":\"s202611250200\",\"outcome\":\"Failed\",\"failure\":\"retryable\","
          + "\"message\":\"connection reset\",\"recordsRead\":0,\"recordsWritten\":0,"
          + "\"recordsRejected\":0,\"durationMillis\":5}";
  private static final String PERMANENT_SUMMARY =
      "{\"runId\":\"s202611250200\",\"outcome\":\"Failed\",\"failure\":\"permanent\","
          + "\"message\":\"bad column\",\"recordsRead\":0,\"recordsWritten\":0,"
          + "\"recordsRejected\":0,\"durationMillis\":5}";

  private static Job indexed(Job job, int succeeded, int failed) {
    return new JobBuilder(job)
        .withNewSpec()
        .withCompletionMode("Indexed")
        .withCompletions(4)
        .withParallelism(4)
        .withBackoffLimitPerIndex(2)
        .endSpec()
        .editStatus()
        .withSucceeded(succeeded)
        .withFailed(failed)
        .endStatus()
        .build();
  }

  private static Pod indexPod(Pod pod, String index) {
    return new PodBuilder(pod)
        .editMetadata()
        .addToAnnotations("batch.kubernetes.io/job-completion-index", index)
        .withName(pod.getMetadata().getName() + "-" + index)
        .endMetadata()
        .build();
  }

  private static Pod succeeded(String created, String message) {
    return new PodBuilder(terminated(created, 0, message))
        .editStatus()
        .withPhase("Succeeded")
        .endStatus()
        .build();
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

  private static Pod pod(String created) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p-" + created)
        .withCreationTimestamp(created)
        .endMetadata()
        .build();
  }

  private static Pod labelled(Pod pod, String job) {
    return new PodBuilder(pod).editMetadata().addToLabels("job-name", job).endMetadata().build();
  }

  private static Pod running() {
    return new PodBuilder(pod("2026-11-25T02:00:01Z"))
        .withNewStatus()
        .withPhase("Running")
        .endStatus()
        .build();
  }

  private static Pod waiting(String reason, String message) {
    return new PodBuilder(pod("2026-11-25T02:00:01Z"))
        .withNewStatus()
        .withPhase("Pending")
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("worker")
                .withNewState()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(message)
                .endWaiting()
                .endState()
                .build())
        .endStatus()
        .build();
  }

  private static Pod terminated(String created, int exit, String message) {
    return new PodBuilder(pod(created))
        .withNewStatus()
        .withPhase("Failed")
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

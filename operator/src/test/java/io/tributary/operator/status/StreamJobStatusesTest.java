package io.tributary.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.status.StreamJobStatuses.ScaleCause;
import io.tributary.operator.testing.Golden;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Observed workers in, the conditions a user reads out. */
class StreamJobStatusesTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final String SUMMARY_78 =
      "{\"outcome\":\"Failed\",\"failure\":\"permanent\",\"message\":\"plan /etc/tributary/plan.json:"
          + " transforms[1].filter: undeclared reference to 'amout'\",\"recordsRead\":0,"
          + "\"recordsWritten\":0,\"recordsRejected\":0,\"durationMillis\":0}";

  private static StreamJob job() {
    StreamJob job = Golden.fixture("fraud-streamjob.yaml", StreamJob.class);
    job.setStatus(null);
    return job;
  }

  private static Deployment deployment(int ready, boolean available) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("fraud-scoring-worker")
        .withGeneration(1L)
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .endSpec()
        .withNewStatus()
        .withObservedGeneration(1L)
        .withReplicas(2)
        .withUpdatedReplicas(2)
        .withReadyReplicas(ready)
        .addNewCondition()
        .withType("Available")
        .withStatus(available ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  private static Pod unschedulable(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .withPhase("Pending")
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("False")
        .withReason("Unschedulable")
        .withMessage("0/8 nodes are available: 1 Insufficient cpu, 7 node(s) had untolerated taint")
        .endCondition()
        .endStatus()
        .build();
  }

  private static Pod pulling(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .withPhase("Pending")
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .endCondition()
        .addToContainerStatuses(
            new ContainerStatusBuilder()
                .withName("worker")
                .withReady(false)
                .withRestartCount(0)
                .withNewState()
                .withNewWaiting()
                .withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image \"tributary/runtime:typo\"")
                .endWaiting()
                .endState()
                .build())
        .endStatus()
        .build();
  }

  private static Pod exited(String name, int code, String message, int restarts) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .addToContainerStatuses(
            new ContainerStatusBuilder()
                .withName("worker")
                .withReady(false)
                .withRestartCount(restarts)
                .withNewState()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .endWaiting()
                .endState()
                .withNewLastState()
                .withNewTerminated()
                .withExitCode(code)
                .withReason("Error")
                .withMessage(message)
                .withFinishedAt("2026-11-25T09:59:00Z")
                .endTerminated()
                .endLastState()
                .build())
        .endStatus()
        .build();
  }

  private record Case(
      String name,
      int desired,
      ScaleCause cause,
      Deployment deployment,
      List<Pod> pods,
      String ready,
      String reason,
      String message,
      String degradedReason) {}

  @Test
  void readyAndDegradedTellWhatTheWorkersSay() {
    List<Case> cases =
        List.of(
            new Case(
                "all ready",
                2,
                ScaleCause.SPEC,
                deployment(2, true),
                List.of(),
                "True",
                "WorkersAvailable",
                "2 of 2 workers ready",
                "NoProblems"),
            new Case(
                "replicas 0",
                0,
                ScaleCause.SPEC,
                deployment(0, true),
                List.of(),
                "True",
                "ScaledToZero",
                "spec.replicas is 0",
                "NoProblems"),
            new Case(
                "suspended",
                0,
                ScaleCause.SUSPEND,
                null,
                List.of(),
                "True",
                "ScaledToZero",
                "spec.suspend is true",
                "NoProblems"),
            new Case(
                "autoscaled to zero",
                0,
                ScaleCause.AUTOSCALER,
                deployment(0, true),
                List.of(),
                "True",
                "ScaledToZero",
                "autoscaler",
                "NoProblems"),
            new Case(
                "cannot be scheduled",
                2,
                ScaleCause.SPEC,
                deployment(0, false),
                List.of(unschedulable("w-1"), unschedulable("w-2")),
                "False",
                "WorkersUnschedulable",
                "2 cannot be scheduled: 0/8 nodes are available: 1 Insufficient cpu",
                "NoProblems"),
            new Case(
                "image pull",
                2,
                ScaleCause.SPEC,
                deployment(0, false),
                List.of(pulling("w-1")),
                "False",
                "WorkersPending",
                "1 pending: ImagePullBackOff: Back-off pulling image",
                "NoProblems"),
            new Case(
                "invalid plan",
                2,
                ScaleCause.SPEC,
                deployment(0, false),
                List.of(exited("w-1", 78, SUMMARY_78, 3)),
                "False",
                "InvalidPlan",
                "worker w-1 exited 78 (invalid plan): plan /etc/tributary/plan.json:"
                    + " transforms[1].filter: undeclared reference to 'amout'",
                "WorkersCrashLooping"),
            new Case(
                "halted on a bad record, log tail as message",
                2,
                ScaleCause.SPEC,
                deployment(1, false),
                List.of(exited("w-1", 65, "starting\nstopping: record 17 failed: bad amount\n", 1)),
                "False",
                "WorkerFailed",
                "worker w-1 exited 65 (permanent failure): stopping: record 17 failed: bad amount",
                "WorkersCrashLooping"),
            new Case(
                "starting up",
                2,
                ScaleCause.SPEC,
                deployment(1, false),
                List.of(),
                "False",
                "WorkersUnavailable",
                "1 of 2 workers ready",
                "NoProblems"));
    for (Case c : cases) {
      StreamJobStatus s =
          StreamJobStatuses.running(
              StreamJobStatuses.Observed.of(job(), c.deployment(), WorkerPods.of(c.pods()))
                  .withDesired(c.desired(), c.cause()),
              NOW);
      Condition ready = Conditions.find(s.conditions(), Conditions.READY);
      assertThat(ready.status()).as(c.name()).isEqualTo(c.ready());
      assertThat(ready.reason()).as(c.name()).isEqualTo(c.reason());
      assertThat(ready.message()).as(c.name()).contains(c.message());
      assertThat(Conditions.find(s.conditions(), Conditions.DEGRADED).reason())
          .as(c.name())
          .isEqualTo(c.degradedReason());
    }
  }

  @Test
  void anInvalidEditKeepsReadyAsObservedAndSaysWhichWorkersRun() {
    StreamJob job = job();
    job.getMetadata().setGeneration(5L);
    StreamJobStatus s =
        StreamJobStatuses.running(
            StreamJobStatuses.Observed.of(job, deployment(2, true), WorkerPods.of(List.of()))
                .withDesired(2, ScaleCause.SPEC)
                .withHeldBack(
                    new PipelineChecks.Problem(
                        Conditions.Reason.InvalidExpression, "transforms[1]: bad"),
                    4L),
            NOW);
    Condition degraded = Conditions.find(s.conditions(), Conditions.DEGRADED);
    assertThat(degraded.status()).isEqualTo("True");
    assertThat(degraded.reason()).isEqualTo("InvalidExpression");
    assertThat(degraded.message())
        .isEqualTo(
            "spec generation 5 is invalid: transforms[1]: bad; still running generation 4's"
                + " workers");
    assertThat(Conditions.find(s.conditions(), Conditions.READY).status()).isEqualTo("True");
    assertThat(s.workersGeneration()).isEqualTo(4L);
  }

  @Test
  void theSameObservationTwiceIsTheSameStatus() {
    StreamJob job = job();
    var observed =
        StreamJobStatuses.Observed.of(job, deployment(2, true), WorkerPods.of(List.of()))
            .withDesired(2, ScaleCause.SPEC)
            .withLag(0L);
    StreamJobStatus first = StreamJobStatuses.running(observed, NOW);
    job.setStatus(first);
    StreamJobStatus again = StreamJobStatuses.running(observed, NOW.plusSeconds(30));
    assertThat(again).isEqualTo(first);
    // And after the JSON round trip through the API server.
    job.setStatus(
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
            io.fabric8.kubernetes.client.utils.Serialization.asJson(first), StreamJobStatus.class));
    assertThat(StreamJobStatuses.running(observed, NOW.plusSeconds(60))).isEqualTo(first);
  }

  @Test
  void aLongTerminationMessageIsCut() {
    String longMessage = "x".repeat(5000);
    var summary = WorkerPods.of(List.of(exited("w-1", 75, longMessage, 2)));
    assertThat(summary.lastFailure().orElseThrow().message()).hasSizeLessThan(1100);
  }
}

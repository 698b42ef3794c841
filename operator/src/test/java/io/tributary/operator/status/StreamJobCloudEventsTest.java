package io.tributary.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.tributary.events.EventJson;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobHalt;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.operator.testing.Golden;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A StreamJob's transitions as CloudEvents, read as a receiver gets them (golden JSON). */
class StreamJobCloudEventsTest {
  private static final Instant AT = Instant.parse("2026-11-30T09:15:00Z");
  private static final StreamJob JOB = Golden.fixture("fraud-streamjob.yaml", StreamJob.class);

  @Test
  void aRolloutThatFinishedIsRolledOut() {
    StreamJobStatus deploying = status("Deploying", 3);
    StreamJobStatus stable = status("Stable", 3);
    List<CloudEvent> events =
        StreamJobCloudEvents.forStatus(JOB, StreamJobEvents.between(deploying, stable), stable, AT);
    assertThat(events).hasSize(1);
    Golden.assertJson("StreamJobCloudEventsTest.rolledOut", EventJson.text(events.get(0)));
  }

  @Test
  void aResyncOrAStartedRolloutSaysNothing() {
    StreamJobStatus stable = status("Stable", 3);
    assertThat(
            StreamJobCloudEvents.forStatus(
                JOB, StreamJobEvents.between(stable, stable), stable, AT))
        .isEmpty();
    assertThat(
            StreamJobCloudEvents.forStatus(
                JOB, StreamJobEvents.between(stable, status("Deploying", 3)), stable, AT))
        .isEmpty();
    // A Deployment created or a template changed starts a rollout; its end is the event.
    assertThat(
            StreamJobCloudEvents.forDeployment(
                JOB,
                StreamJobEvents.forDeployment(null, 3, false, "spec.replicas is 3"),
                null,
                3,
                AT))
        .isEmpty();
    assertThat(
            StreamJobCloudEvents.forDeployment(
                JOB, StreamJobEvents.forDeployment(3, 3, true, "spec.replicas is 3"), 3, 3, AT))
        .isEmpty();
  }

  @Test
  void aChangeOfTheWorkerCountIsScaled() {
    List<CloudEvent> events =
        StreamJobCloudEvents.forDeployment(
            JOB,
            StreamJobEvents.forDeployment(2, 5, true, "autoscaler: lag 120000 records"),
            2,
            5,
            AT);
    assertThat(events).hasSize(1);
    Golden.assertJson("StreamJobCloudEventsTest.scaled", EventJson.text(events.get(0)));
  }

  @Test
  void aHaltNamesTheRecordToSkip() {
    StreamJobHalt halt =
        new StreamJobHalt(
            "payments.transactions/4@88123",
            "transforms[0] (validate-0)",
            "amount: string found, number expected",
            3L);
    CloudEvent e =
        StreamJobCloudEvents.halted(
            JOB, halt, Halts.message(JOB.getMetadata().getName(), halt), AT);
    Golden.assertJson("StreamJobCloudEventsTest.halted", EventJson.text(e));
  }

  private static StreamJobStatus status(String progressing, int workers) {
    return StreamJobStatus.builder()
        .conditions(
            List.of(
                new Condition(Conditions.READY, "True", "WorkersAvailable", "m", 3L, "t"),
                new Condition(
                    Conditions.PROGRESSING,
                    progressing.equals("Deploying") ? "True" : "False",
                    progressing,
                    "m",
                    3L,
                    "t")))
        .workers(workers, workers, workers)
        .workersGeneration(3L)
        .build();
  }
}

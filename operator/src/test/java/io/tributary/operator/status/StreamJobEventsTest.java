package io.tributary.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.StreamJobStatus;
import io.tributary.operator.status.StreamJobEvents.Kind;
import io.tributary.operator.status.StreamJobEvents.Note;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamJobEventsTest {
  @Test
  void deploymentWritesSayWhatHappened() {
    assertThat(StreamJobEvents.forDeployment(null, 2, false, "spec.replicas is 2"))
        .extracting(Note::kind)
        .containsExactly(Kind.RolloutStarted);
    assertThat(StreamJobEvents.forDeployment(1, 2, false, "spec.replicas is 2"))
        .containsExactly(new Note(Kind.Scaled, "from 1 to 2 workers: spec.replicas is 2"));
    assertThat(StreamJobEvents.forDeployment(2, 2, true, "spec.replicas is 2"))
        .extracting(Note::kind)
        .containsExactly(Kind.RolloutStarted);
    assertThat(StreamJobEvents.forDeployment(2, 2, false, "spec.replicas is 2")).isEmpty();
  }

  @Test
  void statusChangesSayWhenARolloutEndsOrWorkersStop() {
    StreamJobStatus deploying = status("True", "WorkersAvailable", "Deploying");
    StreamJobStatus stable = status("True", "WorkersAvailable", "Stable");
    StreamJobStatus zero = status("True", "ScaledToZero", "Stable");
    assertThat(StreamJobEvents.between(deploying, stable))
        .extracting(Note::kind)
        .containsExactly(Kind.RolledOut);
    assertThat(StreamJobEvents.between(stable, zero))
        .extracting(Note::kind)
        .containsExactly(Kind.WorkersStopped);
    assertThat(StreamJobEvents.between(stable, stable)).isEmpty();
    assertThat(StreamJobEvents.between(zero, zero)).isEmpty();
  }

  @Test
  void aRolloutOfNoWorkersIsNotAnnounced() {
    StreamJobStatus deploying = status("True", "ScaledToZero", "Deploying", 0);
    StreamJobStatus stable = status("True", "ScaledToZero", "Stable", 0);
    assertThat(StreamJobEvents.between(deploying, stable)).isEmpty();
  }

  private static StreamJobStatus status(String ready, String readyReason, String progressing) {
    return status(ready, readyReason, progressing, 2);
  }

  private static StreamJobStatus status(
      String ready, String readyReason, String progressing, int workers) {
    return StreamJobStatus.builder()
        .conditions(
            List.of(
                new io.tributary.operator.api.Condition(
                    Conditions.READY, ready, readyReason, "m", 1L, "t"),
                new io.tributary.operator.api.Condition(
                    Conditions.PROGRESSING,
                    progressing.equals("Deploying") ? "True" : "False",
                    progressing,
                    "m",
                    1L,
                    "t")))
        .workers(workers, workers, workers)
        .workersGeneration(1L)
        .build();
  }
}

package io.tributary.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.DataPipelineStatus;
import io.tributary.operator.api.RunFailure;
import io.tributary.operator.api.RunPhase;
import io.tributary.operator.api.RunRecord;
import io.tributary.operator.metrics.PipelineMetrics.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which runs a status write records as ended, and how. */
class PipelineMetricsTest {
  private static final String DUE = "2026-11-25T10:00:00Z";

  @Test
  void aRunEndsWhenItLeavesProgressOrAppearsAlreadyOver() {
    var before =
        status(
            run("a", RunPhase.RUNNING, null),
            run("b", RunPhase.BACKING_OFF, RunFailure.RETRYABLE),
            run("c", RunPhase.SUCCEEDED, null),
            run("d", RunPhase.RUNNING, null));
    var after =
        status(
            run("a", RunPhase.SUCCEEDED, null),
            run("b", RunPhase.FAILED, RunFailure.RETRYABLE),
            run("c", RunPhase.SUCCEEDED, null),
            run("d", RunPhase.FAILED, RunFailure.REPLACED),
            run("e", RunPhase.SKIPPED, null),
            run("f", RunPhase.FAILED, RunFailure.PERMANENT),
            run("g", RunPhase.PENDING, null));
    assertThat(PipelineMetrics.ended(before, after))
        .extracting(e -> e.run().id() + "=" + e.outcome())
        .containsExactly("a=Succeeded", "b=Failed", "d=Replaced", "e=Skipped", "f=Failed");
  }

  @Test
  void nothingEndsBetweenEqualStatusesOrWithoutRuns() {
    var s = status(run("a", RunPhase.SUCCEEDED, null));
    assertThat(PipelineMetrics.ended(s, s)).isEmpty();
    assertThat(PipelineMetrics.ended(s, DataPipelineStatus.NONE)).isEmpty();
  }

  @Test
  void aRunLastsFromWhenItWasDueToWhenItEnded() {
    var r =
        run("a", RunPhase.SUCCEEDED, null).toBuilder()
            .startedAt("2026-11-25T10:20:00Z")
            .finishedAt("2026-11-25T10:45:00Z")
            .build();
    assertThat(new PipelineMetrics.Ended(r, Outcome.SUCCEEDED).duration())
        .hasValue(Duration.ofMinutes(45));
  }

  private static DataPipelineStatus status(RunRecord... runs) {
    return DataPipelineStatus.builder().runs(List.of(runs)).build();
  }

  private static RunRecord run(String id, RunPhase phase, RunFailure failure) {
    return RunRecord.builder()
        .id(id)
        .phase(phase)
        .failure(failure)
        .scheduledAt(DUE)
        .finishedAt(phase.inProgress() ? null : "2026-11-25T10:05:00Z")
        .build();
  }
}

package io.tributary.operator.schedule;

import static io.tributary.operator.status.Conditions.DEGRADED;
import static io.tributary.operator.status.Conditions.PROGRESSING;
import static io.tributary.operator.status.Conditions.READY;

import io.tributary.operator.api.Condition;
import io.tributary.operator.api.RunFailure;
import io.tributary.operator.api.RunPhase;
import io.tributary.operator.api.RunRecord;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.status.Conditions.Reason;
import java.util.List;

/**
 * Ready, Progressing and Degraded of a DataPipeline, from its runs. Ready is True only while the
 * latest finished run succeeded; a run in progress does not make a pipeline unready, so a healthy
 * hourly pipeline stays Ready between and during runs. lastTransitionTime is left null: the
 * reconciler carries it over with {@link Conditions#merge}.
 */
public final class PipelineConditions {

  /**
   * What the runs say, for {@link #of}.
   *
   * @param unschedulable the run in progress is pending because no node fits its pod
   */
  record Facts(
      RunRecord lastFinished,
      RunRecord inProgress,
      boolean unschedulable,
      boolean suspended,
      String waitingFor,
      String nextRunTime) {}

  private PipelineConditions() {}

  static List<Condition> of(Facts f, long generation) {
    return List.of(ready(f, generation), progressing(f, generation), degraded(f, generation));
  }

  private static Condition ready(Facts f, long g) {
    RunRecord last = f.lastFinished();
    if (last != null && last.phase() == RunPhase.SUCCEEDED) {
      String written =
          last.recordsWritten() != null ? ": " + last.recordsWritten() + " records written" : "";
      return Conditions.of(
          READY, true, Reason.RunSucceeded, "Run " + last.id() + " succeeded" + written, g);
    }
    if (last != null) {
      return Conditions.of(
          READY, false, Reason.RunFailed, "Run " + last.id() + " failed: " + last.message(), g);
    }
    RunRecord run = f.inProgress();
    if (run != null && run.phase() == RunPhase.PENDING) {
      return Conditions.of(
          READY,
          false,
          pendingReason(f),
          "The first run, " + run.id() + ", is pending: " + run.message(),
          g);
    }
    if (run != null) {
      return Conditions.of(
          READY, false, Reason.RunInProgress, "The first run, " + run.id() + ", is in progress", g);
    }
    if (f.suspended()) {
      return Conditions.of(
          READY,
          false,
          Reason.Suspended,
          "spec.suspend is true: no run starts until it is false",
          g);
    }
    if (f.waitingFor() != null) {
      return Conditions.of(
          READY, false, Reason.WaitingForUpstream, "Waiting for " + f.waitingFor(), g);
    }
    if (f.nextRunTime() != null) {
      return Conditions.of(
          READY, false, Reason.Scheduled, "The first run is due at " + f.nextRunTime(), g);
    }
    return Conditions.of(READY, false, Reason.Idle, "No run yet", g);
  }

  private static Condition progressing(Facts f, long g) {
    RunRecord run = f.inProgress();
    if (run == null) return Conditions.of(PROGRESSING, false, Reason.Idle, "No run in progress", g);
    String attempt = "Run " + run.id() + " attempt " + run.attempt();
    return switch (run.phase()) {
      case PENDING ->
          Conditions.of(
              PROGRESSING,
              true,
              pendingReason(f),
              f.unschedulable()
                  ? attempt + " is waiting for a node; the scheduler says: " + run.message()
                  : attempt + " is pending: " + run.message(),
              g);
      case BACKING_OFF ->
          Conditions.of(
              PROGRESSING,
              true,
              Reason.RunActive,
              attempt + " failed; retry at " + run.retryAt(),
              g);
      default ->
          Conditions.of(
              PROGRESSING,
              true,
              Reason.RunActive,
              attempt + " is running as Job " + run.jobName(),
              g);
    };
  }

  private static Reason pendingReason(Facts f) {
    return f.unschedulable() ? Reason.Unschedulable : Reason.RunPending;
  }

  private static Condition degraded(Facts f, long g) {
    RunRecord last = f.lastFinished();
    if (last == null || last.phase() != RunPhase.FAILED) {
      return Conditions.of(
          DEGRADED, false, Reason.NoProblems, "The latest finished run did not fail", g);
    }
    String what =
        last.failure() == RunFailure.PERMANENT
            ? "Run "
                + last.id()
                + " failed permanently and is not retried: "
                + last.message()
                + ". Fix the data or the spec, then set the tributary.io/run-now annotation"
            : "Run "
                + last.id()
                + " failed after "
                + last.attempt()
                + " attempts: "
                + last.message();
    return Conditions.of(DEGRADED, true, Reason.RetriesExhausted, what, g);
  }
}

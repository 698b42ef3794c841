package io.tributary.operator.schedule;

import io.tributary.operator.api.Condition;
import io.tributary.operator.api.RunRecord;
import java.util.List;

/**
 * Ready, Progressing and Degraded of a DataPipeline, from its runs. Ready is True only while the
 * latest finished run succeeded; a run in progress does not make a pipeline unready, so a healthy
 * hourly pipeline stays Ready between and during runs. lastTransitionTime is left null: the
 * reconciler carries it over from the previous status while the condition's status does not flip.
 */
public final class PipelineConditions {
  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";

  /** Reasons, CamelCase, as users and alerts match on them. */
  public enum Reason {
    RunSucceeded,
    RunFailed,
    RunInProgress,
    Suspended,
    WaitingForUpstream,
    Scheduled,
    Idle,
    InvalidSpec,
    ResidencyViolation,
    UnknownPool,
    DependencyCycle,
    InvalidExpression,
    RunActive,
    RetriesExhausted,
    PermanentFailure,
    ReconcileError,
    AsExpected
  }

  /** What the runs say, for {@link #of}. */
  record Facts(
      RunRecord lastFinished,
      RunRecord inProgress,
      boolean suspended,
      boolean waitsForUpstream,
      String nextRunTime) {}

  private PipelineConditions() {}

  static List<Condition> of(Facts f, long generation) {
    return List.of(ready(f, generation), progressing(f, generation), degraded(f, generation));
  }

  /** Conditions of a pipeline whose spec cannot run: Ready=False with the reason, no Jobs. */
  public static List<Condition> invalid(Reason reason, String message, long generation) {
    return List.of(
        condition(READY, false, reason, message, generation),
        condition(
            PROGRESSING, false, Reason.Idle, "No run starts until the spec is fixed", generation),
        condition(DEGRADED, false, Reason.AsExpected, "No run has failed", generation));
  }

  private static Condition ready(Facts f, long g) {
    RunRecord last = f.lastFinished();
    if (last != null && RunPhase.SUCCEEDED.equals(last.phase())) {
      String written =
          last.recordsWritten() != null ? ", " + last.recordsWritten() + " records written" : "";
      return condition(
          READY, true, Reason.RunSucceeded, "Run " + last.id() + " succeeded" + written, g);
    }
    if (last != null) {
      return condition(
          READY, false, Reason.RunFailed, "Run " + last.id() + " failed: " + last.message(), g);
    }
    if (f.inProgress() != null) {
      return condition(
          READY,
          false,
          Reason.RunInProgress,
          "First run " + f.inProgress().id() + " is in progress",
          g);
    }
    if (f.suspended()) {
      return condition(
          READY,
          false,
          Reason.Suspended,
          "spec.suspend is true: no run starts until it is false",
          g);
    }
    if (f.waitsForUpstream()) {
      return condition(
          READY,
          false,
          Reason.WaitingForUpstream,
          "Waiting for every spec.dependsOn pipeline to succeed",
          g);
    }
    if (f.nextRunTime() != null) {
      return condition(READY, false, Reason.Scheduled, "First run is due at " + f.nextRunTime(), g);
    }
    return condition(READY, false, Reason.Idle, "No run yet", g);
  }

  private static Condition progressing(Facts f, long g) {
    RunRecord run = f.inProgress();
    if (run == null) return condition(PROGRESSING, false, Reason.Idle, "No run in progress", g);
    String what =
        RunPhase.BACKING_OFF.equals(run.phase())
            ? "Run " + run.id() + " attempt " + run.attempt() + " failed; retry at " + run.retryAt()
            : "Run "
                + run.id()
                + " attempt "
                + run.attempt()
                + " is running (Job "
                + run.jobName()
                + ")";
    return condition(PROGRESSING, true, Reason.RunActive, what, g);
  }

  private static Condition degraded(Facts f, long g) {
    RunRecord last = f.lastFinished();
    if (last == null || !RunPhase.FAILED.equals(last.phase())) {
      return condition(
          DEGRADED, false, Reason.AsExpected, "The latest finished run did not fail", g);
    }
    if ("permanent".equals(last.failure())) {
      return condition(
          DEGRADED,
          true,
          Reason.PermanentFailure,
          "Run "
              + last.id()
              + " failed permanently and is not retried: "
              + last.message()
              + ". Fix the data or the spec, then set the tributary.io/run-now annotation to rerun",
          g);
    }
    return condition(
        DEGRADED,
        true,
        Reason.RetriesExhausted,
        "Run " + last.id() + " failed after " + last.attempt() + " attempts: " + last.message(),
        g);
  }

  static Condition condition(String type, boolean status, Reason reason, String message, long g) {
    return new Condition(type, status ? "True" : "False", reason.name(), message, g, null);
  }
}

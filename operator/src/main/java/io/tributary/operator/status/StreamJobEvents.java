package io.tributary.operator.status;

import io.tributary.operator.api.Condition;
import io.tributary.operator.api.StreamJobStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Normal Events a StreamJob deserves: a rollout started or finished, scaling (whoever asked),
 * workers stopped on purpose. Derived from what a write changed or from the old and new status, so
 * each is said once per change, and a resync that changes nothing says nothing.
 */
public final class StreamJobEvents {
  /** Reasons of the Normal Events; Warnings use {@link Conditions.Reason} names. */
  public enum Kind {
    /** A worker Deployment was created or its pod template changed. */
    RolloutStarted,
    /** Every worker runs the current pod template (not said when no worker is wanted). */
    RolledOut,
    /** The number of workers wanted changed (spec, kubectl scale, HPA/KEDA or the autoscaler). */
    Scaled,
    /** Workers were stopped on purpose: suspended, scaled to zero, or a residency violation. */
    WorkersStopped
  }

  /** One Event to record. */
  public record Note(Kind kind, String message) {}

  private StreamJobEvents() {}

  /**
   * What a write of the worker Deployment means to a user.
   *
   * @param before replicas before the write, or null when the Deployment was created
   * @param templateChanged whether the pod template changed (the workers roll)
   * @param why why this many workers (the autoscaler's reason, or the field that asked)
   */
  public static List<Note> forDeployment(
      Integer before, int after, boolean templateChanged, String why) {
    List<Note> notes = new ArrayList<>();
    if (before == null) {
      notes.add(
          new Note(
              Kind.RolloutStarted, "created the worker Deployment: " + after + " workers; " + why));
      return notes;
    }
    if (templateChanged) {
      notes.add(
          new Note(
              Kind.RolloutStarted,
              "the worker pod template changed: rolling " + after + " workers one at a time"));
    }
    if (before != after) {
      notes.add(new Note(Kind.Scaled, "from " + before + " to " + after + " workers: " + why));
    }
    return notes;
  }

  /** Notes for status changes: a rollout that finished, workers stopped on purpose. */
  public static List<Note> between(StreamJobStatus old, StreamJobStatus now) {
    List<Note> notes = new ArrayList<>();
    Condition oldReady = old == null ? null : Conditions.find(old.conditions(), Conditions.READY);
    Condition newReady = Conditions.find(now.conditions(), Conditions.READY);
    if (old != null
        && newReady != null
        && reasonIs(newReady, Conditions.Reason.ScaledToZero)
        && (oldReady == null || !reasonIs(oldReady, Conditions.Reason.ScaledToZero))) {
      notes.add(new Note(Kind.WorkersStopped, newReady.message()));
    }
    Condition oldProgressing =
        old == null ? null : Conditions.find(old.conditions(), Conditions.PROGRESSING);
    Condition newProgressing = Conditions.find(now.conditions(), Conditions.PROGRESSING);
    // With no workers wanted nothing rolled out: the Deployment was only written. Saying so
    // anyway would double the Events of every job created or kept at zero workers.
    if (oldProgressing != null
        && newProgressing != null
        && reasonIs(oldProgressing, Conditions.Reason.Deploying)
        && reasonIs(newProgressing, Conditions.Reason.Stable)
        && Objects.requireNonNullElse(now.desiredReplicas(), 0) > 0) {
      notes.add(
          new Note(
              Kind.RolledOut,
              Objects.requireNonNullElse(now.readyReplicas(), 0)
                  + " workers run spec generation "
                  + now.workersGeneration()));
    }
    return notes;
  }

  private static boolean reasonIs(Condition c, Conditions.Reason reason) {
    return reason.name().equals(c.reason());
  }
}

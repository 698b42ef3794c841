package io.tributary.operator.status;

import io.cloudevents.CloudEvent;
import io.tributary.events.EventData;
import io.tributary.events.TributaryEvents;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobHalt;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.pipeline.plan.WorkerPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The CloudEvents of a StreamJob's transitions (docs/events.md): the same moments its Normal and
 * Warning Events mark ({@link StreamJobEvents}), in the words of those Events, for machines. Pure:
 * the reconciler hands what this returns to its sender.
 */
public final class StreamJobCloudEvents {
  private StreamJobCloudEvents() {}

  /**
   * The events of the notes a write of the worker Deployment gave ({@link
   * StreamJobEvents#forDeployment}): {@code scaled} from {@code before} to {@code after} workers. A
   * Deployment created, or a pod template changed, is only a rollout starting: the event is {@code
   * rolledout}, when it finished.
   */
  public static List<CloudEvent> forDeployment(
      StreamJob job, List<StreamJobEvents.Note> notes, Integer before, int after, Instant at) {
    List<CloudEvent> out = new ArrayList<>();
    for (StreamJobEvents.Note note : notes) {
      if (note.kind() == StreamJobEvents.Kind.Scaled && before != null) {
        out.add(scaled(job, before, after, note.message(), at));
      }
    }
    return out;
  }

  /**
   * The events of the notes a status change gave ({@link StreamJobEvents#between}): {@code
   * rolledout} when every wanted worker runs the current spec.
   */
  public static List<CloudEvent> forStatus(
      StreamJob job, List<StreamJobEvents.Note> notes, StreamJobStatus now, Instant at) {
    List<CloudEvent> out = new ArrayList<>();
    for (StreamJobEvents.Note note : notes) {
      if (note.kind() == StreamJobEvents.Kind.RolledOut) {
        out.add(
            TributaryEvents.rolledOut(
                identity(job),
                job.getSpec().sink(),
                Objects.requireNonNullElse(now.workersGeneration(), 0L),
                Objects.requireNonNullElse(now.readyReplicas(), 0),
                note.message(),
                at));
      }
    }
    return out;
  }

  /** The workers wanted went from {@code from} to {@code to}, for the reason {@code message}. */
  public static CloudEvent scaled(StreamJob job, int from, int to, String message, Instant at) {
    return TributaryEvents.scaled(identity(job), job.getSpec().sink(), from, to, message, at);
  }

  /** The job halted at {@code halt}; {@code message} is the Halted Warning's. */
  public static CloudEvent halted(StreamJob job, StreamJobHalt halt, String message, Instant at) {
    return TributaryEvents.halted(
        identity(job),
        job.getSpec().sink(),
        new EventData.Halt(halt.position(), halt.step(), halt.reason()),
        message,
        at);
  }

  private static WorkerPlan.PipelineIdentity identity(StreamJob job) {
    var m = job.getMetadata();
    return new WorkerPlan.PipelineIdentity(m.getNamespace(), m.getName(), m.getUid());
  }
}

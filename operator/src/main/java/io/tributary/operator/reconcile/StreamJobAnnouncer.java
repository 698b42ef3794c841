package io.tributary.operator.reconcile;

import io.cloudevents.CloudEvent;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobHalt;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.operator.metrics.OperatorMetrics;
import io.tributary.operator.policy.PipelineChecks;
import io.tributary.operator.status.Conditions.Reason;
import io.tributary.operator.status.Halts;
import io.tributary.operator.status.StreamJobCloudEvents;
import io.tributary.operator.status.StreamJobEvents;
import io.tributary.pipeline.EventsSpec;
import io.tributary.plan.PlanCompiler;
import java.time.Clock;
import java.util.List;

/**
 * What a StreamJob's transitions tell people (Kubernetes Events, the scale-change metric) and
 * machines (CloudEvents to the job's {@code spec.events}, docs/events.md), said in one place so the
 * two never disagree. The words come from the pure {@link StreamJobEvents} and {@link
 * StreamJobCloudEvents}; this class only hands them on.
 */
final class StreamJobAnnouncer {
  private final EventRecorder events;
  private final CloudEventPublisher cloudEvents;
  private final OperatorMetrics metrics;
  private final Clock clock;

  StreamJobAnnouncer(
      EventRecorder events, CloudEventPublisher cloudEvents, OperatorMetrics metrics, Clock clock) {
    this.events = events;
    this.cloudEvents = cloudEvents;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Where the job's CloudEvents go: the compiled destination, or null when there is none or it is
   * refused (its problem is reported like any other).
   */
  static EventsSpec destination(PlanCompiler.Result plan) {
    boolean refused =
        plan.problems().stream()
            .anyMatch(p -> p.path().equals("events") || p.path().startsWith("events."));
    return refused ? null : plan.events();
  }

  /** A write of the worker Deployment: a rollout started, the workers scaled. */
  void deploymentWritten(
      StreamJob job, Deployment before, Deployment desired, String why, EventsSpec destination) {
    if (before != null) {
      metrics.streamJobs().scaled(job, replicas(before), replicas(desired));
    }
    boolean templateChanged =
        before != null
            && DesiredMatch.differenceOf(
                    "spec.template",
                    desired.getSpec().getTemplate(),
                    before.getSpec().getTemplate())
                .isPresent();
    Integer from = before == null ? null : before.getSpec().getReplicas();
    int to = desired.getSpec().getReplicas();
    List<StreamJobEvents.Note> notes =
        StreamJobEvents.forDeployment(from, to, templateChanged, why);
    for (StreamJobEvents.Note note : notes) {
      events.normal(job, note.kind().name(), note.message());
    }
    for (CloudEvent e : StreamJobCloudEvents.forDeployment(job, notes, from, to, clock.instant())) {
      send(job, destination, e);
    }
  }

  /** The status about to be written: a rollout finished, workers stopped on purpose. */
  void statusChanged(StreamJob job, StreamJobStatus now, EventsSpec destination) {
    List<StreamJobEvents.Note> notes = StreamJobEvents.between(job.getStatus(), now);
    for (StreamJobEvents.Note note : notes) {
      events.normal(job, note.kind().name(), note.message());
    }
    for (CloudEvent e : StreamJobCloudEvents.forStatus(job, notes, now, clock.instant())) {
      send(job, destination, e);
    }
  }

  /** A worker halted on a record: a Warning saying how to resume, and the event. */
  void halted(StreamJob job, StreamJobHalt halt, EventsSpec destination) {
    String message = Halts.message(job.getMetadata().getName(), halt);
    events.warning(job, Reason.Halted.name(), message);
    send(job, destination, StreamJobCloudEvents.halted(job, halt, message, clock.instant()));
  }

  /** The worker Deployment was deleted because of {@code p}. */
  void workersStopped(
      StreamJob job, Deployment deleted, PipelineChecks.Problem p, EventsSpec destination) {
    String message = "deleted the worker Deployment: " + p.message();
    events.normal(job, StreamJobEvents.Kind.WorkersStopped.name(), message);
    if (replicas(deleted) != 0) {
      send(
          job,
          destination,
          StreamJobCloudEvents.scaled(job, replicas(deleted), 0, message, clock.instant()));
    }
  }

  /** A job whose spec cannot be rendered was suspended: its {@code from} workers scaled to 0. */
  void suspended(StreamJob job, int from, EventsSpec destination) {
    metrics.streamJobs().scaled(job, from, 0);
    send(
        job,
        destination,
        StreamJobCloudEvents.scaled(
            job, from, 0, "spec.suspend is true: stopping the workers", clock.instant()));
  }

  private void send(StreamJob job, EventsSpec destination, CloudEvent event) {
    if (destination != null) cloudEvents.publish(job, destination, event);
  }

  /** A Deployment's replicas; unset means one, as Kubernetes defaults it. */
  static int replicas(Deployment d) {
    Integer r = d.getSpec() == null ? null : d.getSpec().getReplicas();
    return r == null ? 1 : r;
  }
}

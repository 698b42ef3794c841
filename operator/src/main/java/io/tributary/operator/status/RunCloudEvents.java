package io.tributary.operator.status;

import io.cloudevents.CloudEvent;
import io.tributary.events.EventData;
import io.tributary.events.TributaryEvents;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.DataPipelineStatus;
import io.tributary.operator.api.RunFailure;
import io.tributary.operator.api.RunPhase;
import io.tributary.operator.api.RunRecord;
import io.tributary.operator.schedule.ObservedJob;
import io.tributary.pipeline.plan.WorkerPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The run events only the operator can send: a run's worker sends started, succeeded and failed
 * itself (docs/events.md), but a worker killed from outside (out of memory, stopped at
 * spec.runTimeout, its node lost) ends without a word. Its attempt is then settled by this
 * reconcile, and the operator says {@code run.failed} for it, under the id the worker would have
 * used.
 */
public final class RunCloudEvents {
  private RunCloudEvents() {}

  /**
   * {@code run.failed} for each attempt that ended without a run summary and that this status
   * change settles: active in {@code before}, no longer active in {@code now}.
   */
  public static List<CloudEvent> failedWithoutTheirWorker(
      DataPipeline p,
      DataPipelineStatus before,
      DataPipelineStatus now,
      List<ObservedJob> jobs,
      Instant at) {
    List<CloudEvent> out = new ArrayList<>();
    for (ObservedJob job : jobs) {
      if (job.state() != ObservedJob.State.FAILED || job.summary() != null) continue;
      if (!active(find(before, job.runId(), job.attempt()))) continue;
      Optional<RunRecord> settled = find(now, job.runId(), job.attempt());
      if (settled.isEmpty() || active(settled)) continue;
      RunRecord r = settled.get();
      String kind =
          r.phase() == RunPhase.FAILED && r.failure() == RunFailure.PERMANENT
              ? "permanent"
              : "retryable";
      var m = p.getMetadata();
      out.add(
          TributaryEvents.runFailed(
              new WorkerPlan.PipelineIdentity(m.getNamespace(), m.getName(), m.getUid()),
              p.getSpec().sink(),
              new WorkerPlan.Run(job.runId(), job.attempt(), null),
              new EventData.Failure(kind, r.message()),
              at));
    }
    return out;
  }

  /** The run record of that attempt in {@code status}, if it is there. */
  private static Optional<RunRecord> find(DataPipelineStatus status, String runId, int attempt) {
    if (status == null) return Optional.empty();
    return Stream.concat(
            Stream.ofNullable(status.lastRun()),
            status.runs() == null ? Stream.empty() : status.runs().stream())
        .filter(Objects::nonNull)
        .filter(r -> runId.equals(r.id()) && Integer.valueOf(attempt).equals(r.attempt()))
        .findFirst();
  }

  private static boolean active(Optional<RunRecord> r) {
    return r.isPresent()
        && (r.get().phase() == RunPhase.PENDING || r.get().phase() == RunPhase.RUNNING);
  }
}

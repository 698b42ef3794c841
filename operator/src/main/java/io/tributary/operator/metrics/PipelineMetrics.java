package io.tributary.operator.metrics;

import io.cloudevents.CloudEvent;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.DataPipelineStatus;
import io.tributary.operator.api.RunFailure;
import io.tributary.operator.api.RunPhase;
import io.tributary.operator.api.RunRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DataPipeline runs as metrics, read from the statuses the operator writes: how runs ended and how
 * long they took (counted when a status write records the end, so a restarted operator, which reads
 * the ended runs back from status, does not count them again), when the pipeline last succeeded,
 * was last due and is due next. A batch worker's own /metrics live only as long as its pod, often
 * shorter than a scrape interval; these do not.
 */
public final class PipelineMetrics {
  /** How a run ended, as the {@code outcome} label spells it. */
  public enum Outcome {
    SUCCEEDED("Succeeded"),
    /** Failed for good: permanently, or after its last retry. */
    FAILED("Failed"),
    /** Stopped by concurrencyPolicy Replace for a newer run. */
    REPLACED("Replaced"),
    /** Due while another run was active (concurrencyPolicy Forbid): never started. */
    SKIPPED("Skipped");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    /** How {@code run} ended, or empty while it has not. */
    static Optional<Outcome> of(RunRecord run) {
      if (run.phase() == null) return Optional.empty();
      return switch (run.phase()) {
        case SUCCEEDED -> Optional.of(SUCCEEDED);
        case FAILED -> Optional.of(run.failure() == RunFailure.REPLACED ? REPLACED : FAILED);
        case SKIPPED -> Optional.of(SKIPPED);
        case PENDING, RUNNING, BACKING_OFF -> Optional.empty();
      };
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** A run that ended between two statuses, and how. */
  record Ended(RunRecord run, Outcome outcome) {
    /** From when the run was due to when it ended (waiting for a node and retries included). */
    Optional<Duration> duration() {
      String from = run.scheduledAt() != null ? run.scheduledAt() : run.startedAt();
      if (from == null || run.finishedAt() == null) return Optional.empty();
      Duration d = Duration.between(Instant.parse(from), Instant.parse(run.finishedAt()));
      return d.isNegative() ? Optional.empty() : Optional.of(d);
    }
  }

  private record Times(Double lastSuccess, Double lastSchedule, Double nextRun) {}

  private final Counter runs;
  private final Counter events;
  private final Histogram durations;
  private final Map<ResourceID, Times> times = new ConcurrentHashMap<>();

  PipelineMetrics(PrometheusRegistry registry) {
    runs =
        Counter.builder()
            .name("tributary_pipeline_runs_total")
            .help("DataPipeline runs that ended, by outcome: Succeeded, Failed, Replaced, Skipped")
            .labelNames("namespace", "name", "outcome")
            .register(registry);
    events =
        Counter.builder()
            .name("tributary_pipeline_events_total")
            .help(
                "run.failed CloudEvents the operator sent for runs whose worker was killed before"
                    + " it could (spec.events), by outcome: delivered or failed")
            .labelNames("namespace", "name", "type", "outcome")
            .register(registry);
    durations =
        Histogram.builder()
            .name("tributary_pipeline_run_duration_seconds")
            .help(
                "How long DataPipeline runs took, from when they were due to when they ended"
                    + " (waiting for a node and retries included), by outcome")
            .labelNames("namespace", "name", "outcome")
            .classicOnly()
            .classicUpperBounds(10, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400)
            .register(registry);
    GaugeWithCallback.builder()
        .name("tributary_pipeline_last_success_timestamp_seconds")
        .help("When the DataPipeline's latest successful run ended (Unix time)")
        .labelNames("namespace", "name")
        .callback(
            cb ->
                times.forEach(
                    (id, t) -> {
                      if (t.lastSuccess() != null)
                        cb.call(t.lastSuccess(), namespace(id), id.getName());
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tributary_pipeline_last_schedule_timestamp_seconds")
        .help(
            "The latest schedule time a run of the DataPipeline was started or skipped for (Unix"
                + " time); absent without spec.schedule")
        .labelNames("namespace", "name")
        .callback(
            cb ->
                times.forEach(
                    (id, t) -> {
                      if (t.lastSchedule() != null) {
                        cb.call(t.lastSchedule(), namespace(id), id.getName());
                      }
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tributary_pipeline_next_run_timestamp_seconds")
        .help(
            "When the DataPipeline's schedule fires next (Unix time); absent without spec.schedule,"
                + " while suspended and while its spec is refused")
        .labelNames("namespace", "name")
        .callback(
            cb ->
                times.forEach(
                    (id, t) -> {
                      if (t.nextRun() != null) cb.call(t.nextRun(), namespace(id), id.getName());
                    }))
        .register(registry);
  }

  /**
   * Records what a status write changed: the runs that ended since {@code before}, and the times
   * {@code after} holds. Call it once the write of {@code after} succeeded.
   */
  public void status(DataPipeline p, DataPipelineStatus before, DataPipelineStatus after) {
    ResourceID id = ResourceID.fromResource(p);
    String ns = namespace(id);
    if (!times.containsKey(id)) {
      // Every outcome starts at 0, so increase() sees a pipeline's first failure.
      for (Outcome o : Outcome.values()) runs.initLabelValues(ns, id.getName(), o.toString());
    }
    for (Ended e : ended(before, after)) {
      runs.labelValues(ns, id.getName(), e.outcome().toString()).inc();
      if (e.outcome() == Outcome.SUCCEEDED || e.outcome() == Outcome.FAILED) {
        e.duration()
            .ifPresent(
                d ->
                    durations
                        .labelValues(ns, id.getName(), e.outcome().toString())
                        .observe(d.toMillis() / 1000.0));
      }
    }
    RunRecord success = after == null ? null : after.lastSuccessfulRun();
    times.put(
        id,
        new Times(
            success == null ? null : seconds(success.finishedAt()),
            after == null ? null : seconds(after.lastScheduleTime()),
            after == null ? null : seconds(after.nextRunTime())));
  }

  /**
   * The runs {@code after} records as ended that {@code before} did not: new in {@code after} and
   * already over (a skipped run, or one whose Job ended between two looks), or in progress before.
   */
  static List<Ended> ended(DataPipelineStatus before, DataPipelineStatus after) {
    List<Ended> out = new ArrayList<>();
    if (after == null || after.runs() == null) return out;
    Map<String, RunPhase> was = new HashMap<>();
    if (before != null && before.runs() != null) {
      before.runs().forEach(r -> was.put(r.id(), r.phase()));
    }
    for (RunRecord r : after.runs()) {
      Optional<Outcome> outcome = Outcome.of(r);
      if (outcome.isEmpty()) continue;
      RunPhase previously = was.get(r.id());
      if (previously == null || previously.inProgress()) out.add(new Ended(r, outcome.get()));
    }
    return out;
  }

  /** Counts one CloudEvent the operator sent about {@code owner}, by the last word of its type. */
  public void event(HasMetadata owner, CloudEvent event, boolean delivered) {
    String type = event.getType().substring(event.getType().lastIndexOf('.') + 1);
    events
        .labelValues(
            owner.getMetadata().getNamespace(),
            owner.getMetadata().getName(),
            type,
            delivered ? "delivered" : "failed")
        .inc();
  }

  void forget(ResourceID id) {
    times.remove(id);
    String ns = namespace(id);
    events.removeIf(l -> l.get(0).equals(ns) && l.get(1).equals(id.getName()));
    runs.removeIf(l -> l.get(0).equals(ns) && l.get(1).equals(id.getName()));
    durations.removeIf(l -> l.get(0).equals(ns) && l.get(1).equals(id.getName()));
  }

  private static String namespace(ResourceID id) {
    return id.getNamespace().orElse("");
  }

  private static Double seconds(String rfc3339) {
    return rfc3339 == null ? null : Instant.parse(rfc3339).toEpochMilli() / 1000.0;
  }
}

package io.tributary.operator.metrics;

import io.cloudevents.CloudEvent;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * StreamJobs as the operator sees them: the consumer group's lag it read (also for jobs with no
 * worker running, which export nothing themselves), the workers wanted and ready, and each change
 * of the worker count it made, and the CloudEvents it sent for it.
 */
public final class StreamJobMetrics {
  private final Map<ResourceID, StreamJobStatus> statuses = new ConcurrentHashMap<>();
  private final Counter scaleChanges;
  private final Counter events;

  StreamJobMetrics(PrometheusRegistry registry) {
    gauge(
        registry,
        "tributary_streamjob_lag",
        "Records the StreamJob's consumer group is behind the end of its input topics, as the"
            + " operator last read it (status.lag); absent while unknown",
        s -> s.lag() == null ? null : s.lag().doubleValue());
    gauge(
        registry,
        "tributary_streamjob_desired_replicas",
        "Workers the StreamJob wants: spec.replicas, the scale subresource or the autoscaler's"
            + " decision; 0 while suspended or halted",
        s -> s.desiredReplicas() == null ? null : s.desiredReplicas().doubleValue());
    gauge(
        registry,
        "tributary_streamjob_ready_replicas",
        "Workers of the StreamJob that are ready",
        s -> s.readyReplicas() == null ? null : s.readyReplicas().doubleValue());
    scaleChanges =
        Counter.builder()
            .name("tributary_streamjob_scale_changes_total")
            .help(
                "Changes of a StreamJob's worker count the operator wrote to its Deployment, up or"
                    + " down (autoscaler, spec, suspend or halt)")
            .labelNames("namespace", "name", "direction")
            .register(registry);
    events =
        Counter.builder()
            .name("tributary_streamjob_events_total")
            .help(
                "CloudEvents of the StreamJob (spec.events) by type (rolledout, scaled, halted) and"
                    + " outcome (delivered; failed: given up after every attempt, or dropped with"
                    + " the queue full)")
            .labelNames("namespace", "name", "type", "outcome")
            .register(registry);
  }

  /**
   * Counts one CloudEvent of {@code owner}, by the last word of its type; {@code delivered} false
   * when it never arrived.
   */
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

  private void gauge(
      PrometheusRegistry registry,
      String name,
      String help,
      Function<StreamJobStatus, Double> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("namespace", "name")
        .callback(
            cb ->
                statuses.forEach(
                    (id, s) -> {
                      Double v = value.apply(s);
                      if (v != null) cb.call(v, id.getNamespace().orElse(""), id.getName());
                    }))
        .register(registry);
  }

  /** What {@code job}'s status says now. */
  public void status(StreamJob job, StreamJobStatus status) {
    if (status == null) statuses.remove(ResourceID.fromResource(job));
    else statuses.put(ResourceID.fromResource(job), status);
  }

  /** Counts a change of the worker Deployment's replicas from {@code before} to {@code after}. */
  public void scaled(StreamJob job, int before, int after) {
    if (before == after) return;
    scaleChanges
        .labelValues(
            job.getMetadata().getNamespace(),
            job.getMetadata().getName(),
            after > before ? "up" : "down")
        .inc();
  }

  void forget(ResourceID id) {
    statuses.remove(id);
    String ns = id.getNamespace().orElse("");
    scaleChanges.removeIf(l -> l.get(0).equals(ns) && l.get(1).equals(id.getName()));
    events.removeIf(l -> l.get(0).equals(ns) && l.get(1).equals(id.getName()));
  }
}

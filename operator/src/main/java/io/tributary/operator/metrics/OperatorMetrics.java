package io.tributary.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Operator metrics, fed by JOSDK's monitoring hooks: reconciles, errors and durations per kind, and
 * how many resources of each kind sit in each phase (set by the reconcilers). The reconcilers also
 * feed the per-resource metrics: {@link #resources()} (conditions, refusals), {@link #pipelines()}
 * (DataPipeline runs) and {@link #streamJobs()} (lag and workers). All of them are listed in
 * docs/metrics.md.
 */
public final class OperatorMetrics implements Metrics {
  private final Counter reconciles;
  private final Counter errors;
  private final Histogram duration;
  private final Map<String, Map<ResourceID, String>> phases = new ConcurrentHashMap<>();
  private final Map<ResourceID, PoolGauges> pools = new ConcurrentHashMap<>();
  private final Counter poolScaleChanges;
  private final ResourceMetrics resources;
  private final PipelineMetrics pipelines;
  private final StreamJobMetrics streamJobs;

  /**
   * What a ComputePool's metrics show now.
   *
   * @param desiredNodes the scale target's replicas; null without a scale target
   * @param waiting what the waiting workers request: cpu (cores), memory (bytes), and each
   *     accelerator by its resource name
   */
  public record PoolGauges(
      int nodes,
      Integer desiredNodes,
      int waitingWorkers,
      Map<String, Double> waiting,
      boolean atMaximum) {}

  public OperatorMetrics(PrometheusRegistry registry) {
    reconciles =
        Counter.builder()
            .name("tributary_operator_reconciles_total")
            .help("Reconciliations started, per resource kind")
            .labelNames("kind")
            .register(registry);
    errors =
        Counter.builder()
            .name("tributary_operator_reconcile_errors_total")
            .help("Reconciliations that failed (they are retried with backoff), per kind")
            .labelNames("kind")
            .register(registry);
    duration =
        Histogram.builder()
            .name("tributary_operator_reconcile_duration_seconds")
            .help("Time spent in one reconciliation, per kind")
            .labelNames("kind")
            .register(registry);
    resources = new ResourceMetrics(registry);
    GaugeWithCallback.builder()
        .name("tributary_operator_resources")
        .help(
            "Resources per kind and phase: a DataPipeline's status.phase; for StreamJobs and"
                + " ComputePools, which have no phase, Ready or the Ready condition's reason")
        .labelNames("kind", "phase")
        .callback(
            cb -> {
              phases.forEach(
                  (kind, byResource) -> {
                    Map<String, Long> counts = new java.util.TreeMap<>();
                    byResource.values().forEach(p -> counts.merge(p, 1L, Long::sum));
                    counts.forEach((phase, n) -> cb.call(n, kind, phase));
                  });
              resources
                  .readiness()
                  .forEach((kind, counts) -> counts.forEach((phase, n) -> cb.call(n, kind, phase)));
            })
        .register(registry);
    poolScaleChanges =
        Counter.builder()
            .name("tributary_pool_scale_changes_total")
            .help("Changes the pool autoscaler made to a pool's scale target, up or down")
            .labelNames("pool", "direction")
            .register(registry);
    poolGauge(
        registry,
        "tributary_pool_nodes",
        "Nodes matching the pool's selector",
        (g, cb) -> cb.accept(g.nodes()));
    poolGauge(
        registry,
        "tributary_pool_desired_nodes",
        "The pool's scale target replicas, as the autoscaler last set or read them",
        (g, cb) -> {
          if (g.desiredNodes() != null) cb.accept(g.desiredNodes());
        });
    poolGauge(
        registry,
        "tributary_pool_waiting_workers",
        "Tributary workers waiting for room on the pool",
        (g, cb) -> cb.accept(g.waitingWorkers()));
    poolGauge(
        registry,
        "tributary_pool_at_maximum",
        "1 when waiting workers need more nodes than the pool's maxNodes",
        (g, cb) -> cb.accept(g.atMaximum() ? 1 : 0));
    GaugeWithCallback.builder()
        .name("tributary_pool_waiting_requests")
        .help(
            "What the workers waiting for the pool request: cpu in cores, memory in bytes, accelerators")
        .labelNames("pool", "resource")
        .callback(
            cb ->
                pools.forEach(
                    (id, g) -> g.waiting().forEach((r, v) -> cb.call(v, id.getName(), r))))
        .register(registry);
    pipelines = new PipelineMetrics(registry);
    streamJobs = new StreamJobMetrics(registry);
  }

  /** Conditions and refusals of every kind of resource. */
  public ResourceMetrics resources() {
    return resources;
  }

  /** DataPipeline runs. */
  public PipelineMetrics pipelines() {
    return pipelines;
  }

  /** StreamJob lag and workers. */
  public StreamJobMetrics streamJobs() {
    return streamJobs;
  }

  /** A gauge with one value per pool, read from the latest {@link PoolGauges}. */
  private void poolGauge(
      PrometheusRegistry registry,
      String name,
      String help,
      java.util.function.BiConsumer<PoolGauges, java.util.function.DoubleConsumer> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("pool")
        .callback(cb -> pools.forEach((id, g) -> value.accept(g, v -> cb.call(v, id.getName()))))
        .register(registry);
  }

  /** Records what a pool looks like now. */
  public void pool(HasMetadata pool, PoolGauges gauges) {
    pools.put(ResourceID.fromResource(pool), gauges);
  }

  /** Counts a change of a pool's scale target, {@code up} or {@code down}. */
  public void poolScaled(HasMetadata pool, String direction) {
    poolScaleChanges.labelValues(pool.getMetadata().getName(), direction).inc();
  }

  /** Records the phase a resource is in now. */
  public void phase(HasMetadata resource, String phase) {
    phases
        .computeIfAbsent(resource.getKind(), k -> new ConcurrentHashMap<>())
        .put(ResourceID.fromResource(resource), phase);
  }

  @Override
  public void reconcileCustomResource(
      HasMetadata resource,
      io.javaoperatorsdk.operator.api.reconciler.RetryInfo retryInfo,
      Map<String, Object> metadata) {
    reconciles.labelValues(resource.getKind()).inc();
  }

  @Override
  public void failedReconciliation(
      HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    errors.labelValues(resource.getKind()).inc();
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    long start = System.nanoTime();
    try {
      return execution.execute();
    } finally {
      duration
          .labelValues(kindOf(execution.controllerName()))
          .observe((System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * Forgets a deleted resource. A DataPipeline and a StreamJob may share a namespace and name: the
   * controller's name in {@code metadata} says which kind was deleted.
   */
  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    Object controller = metadata == null ? null : metadata.get(Constants.CONTROLLER_NAME);
    List<String> kinds =
        controller == null
            ? List.of("DataPipeline", "StreamJob", "ComputePool", "TransformSet")
            : List.of(kindOf(controller.toString()));
    for (String kind : kinds) {
      Optional.ofNullable(phases.get(kind)).ifPresent(m -> m.remove(resourceID));
      resources.forget(kind, resourceID);
      switch (kind) {
        case "DataPipeline" -> pipelines.forget(resourceID);
        case "StreamJob" -> streamJobs.forget(resourceID);
        case "ComputePool" -> pools.remove(resourceID);
        default -> {}
      }
    }
  }

  private static String kindOf(String controllerName) {
    return switch (controllerName) {
      case "streamjob" -> "StreamJob";
      case "datapipeline" -> "DataPipeline";
      case "computepool" -> "ComputePool";
      case "transformset" -> "TransformSet";
      default -> controllerName;
    };
  }
}

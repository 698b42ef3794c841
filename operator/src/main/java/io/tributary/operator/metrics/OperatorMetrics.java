package io.tributary.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Operator metrics, fed by JOSDK's monitoring hooks: reconciles, errors and durations per kind, and
 * how many resources of each kind sit in each phase (set by the reconcilers).
 */
public final class OperatorMetrics implements Metrics {
  private final Counter reconciles;
  private final Counter errors;
  private final Histogram duration;
  private final Map<String, Map<ResourceID, String>> phases = new ConcurrentHashMap<>();

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
    GaugeWithCallback.builder()
        .name("tributary_operator_resources")
        .help("Resources per kind and phase")
        .labelNames("kind", "phase")
        .callback(
            cb ->
                phases.forEach(
                    (kind, byResource) -> {
                      Map<String, Long> counts = new java.util.TreeMap<>();
                      byResource.values().forEach(p -> counts.merge(p, 1L, Long::sum));
                      counts.forEach((phase, n) -> cb.call(n, kind, phase));
                    }))
        .register(registry);
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

  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    phases.values().forEach(m -> m.remove(resourceID));
  }

  private static String kindOf(String controllerName) {
    return switch (controllerName) {
      case "streamjob" -> "StreamJob";
      case "datapipeline" -> "DataPipeline";
      case "computepool" -> "ComputePool";
      default -> controllerName;
    };
  }
}

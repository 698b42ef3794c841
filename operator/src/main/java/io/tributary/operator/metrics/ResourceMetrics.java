package io.tributary.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tributary.operator.api.Condition;
import io.tributary.operator.status.Conditions.Reason;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each resource's status says, as gauges an alert can select on: its conditions as kubectl
 * shows them, and whether the operator refuses its spec. Both are set from the status a reconcile
 * computed, so a restarted or newly elected operator shows the same values after its first pass.
 */
public final class ResourceMetrics {
  /** A resource of a kind; pools are cluster-scoped and have no namespace. */
  record Key(String kind, ResourceID id) {
    static Key of(HasMetadata r) {
      return new Key(r.getKind(), ResourceID.fromResource(r));
    }

    String namespace() {
      return id.getNamespace().orElse("");
    }

    String name() {
      return id.getName();
    }
  }

  private final Map<Key, List<Condition>> conditions = new ConcurrentHashMap<>();
  private final Map<Key, Reason> refusals = new ConcurrentHashMap<>();

  ResourceMetrics(PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("tributary_resource_condition")
        .help(
            "1 for each condition a resource's status has now (type, status and reason as"
                + " kubectl describe shows them)")
        .labelNames("kind", "namespace", "name", "type", "status", "reason")
        .callback(
            cb ->
                conditions.forEach(
                    (key, list) ->
                        list.forEach(
                            c ->
                                cb.call(
                                    1,
                                    key.kind(),
                                    key.namespace(),
                                    key.name(),
                                    c.type(),
                                    c.status(),
                                    c.reason()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tributary_resource_refused")
        .help(
            "1 while the operator refuses a pipeline's spec (residency, personal data, an unknown pool, an"
                + " invalid expression or plan), with the reason it gives in status")
        .labelNames("kind", "namespace", "name", "reason")
        .callback(
            cb ->
                refusals.forEach(
                    (key, reason) ->
                        cb.call(1, key.kind(), key.namespace(), key.name(), reason.name())))
        .register(registry);
  }

  /** The conditions {@code resource}'s status has now (null or empty: none). */
  public void conditions(HasMetadata resource, List<Condition> now) {
    if (now == null || now.isEmpty()) conditions.remove(Key.of(resource));
    else conditions.put(Key.of(resource), List.copyOf(now));
  }

  /** Why the operator refuses {@code resource}'s spec, or null when it does not. */
  public void refused(HasMetadata resource, Reason reason) {
    if (reason == null) refusals.remove(Key.of(resource));
    else refusals.put(Key.of(resource), reason);
  }

  /**
   * For kinds without a phase (StreamJob, ComputePool): how many resources of each kind are {@code
   * Ready}, and how many are not, by the Ready condition's reason.
   */
  Map<String, Map<String, Long>> readiness() {
    Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
    conditions.forEach(
        (key, list) -> {
          if ("DataPipeline".equals(key.kind())) return; // counted by status.phase
          list.stream()
              .filter(c -> "Ready".equals(c.type()))
              .findFirst()
              .ifPresent(
                  c ->
                      out.computeIfAbsent(key.kind(), k -> new java.util.TreeMap<>())
                          .merge("True".equals(c.status()) ? "Ready" : c.reason(), 1L, Long::sum));
        });
    return out;
  }

  void forget(String kind, ResourceID id) {
    Key key = new Key(kind, id);
    conditions.remove(key);
    refusals.remove(key);
  }
}

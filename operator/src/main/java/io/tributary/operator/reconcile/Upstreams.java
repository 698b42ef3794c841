package io.tributary.operator.reconcile;

import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.DataPipelineStatus;
import io.tributary.operator.api.RunRecord;
import io.tributary.operator.api.UpstreamRef;
import io.tributary.operator.schedule.UpstreamRun;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * dependsOn: DataPipelines watched as secondaries of the pipelines that depend on them, so an
 * upstream's run finishing reconciles its downstreams at once instead of on the next resync.
 */
final class Upstreams {
  static final String NAME = "upstreams";

  private Upstreams() {}

  static InformerEventSource<DataPipeline, DataPipeline> source(
      EventSourceContext<DataPipeline> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(DataPipeline.class, DataPipeline.class)
            .withName(NAME)
            .withNamespacesInheritedFromController()
            // Only what downstreams look at: the latest run, or the pipeline appearing/going.
            .withOnUpdateFilter((now, before) -> !Objects.equals(lastRun(now), lastRun(before)))
            .withSecondaryToPrimaryMapper(upstream -> downstreamsOf(context, upstream))
            .build(),
        context);
  }

  private static Set<ResourceID> downstreamsOf(
      EventSourceContext<DataPipeline> context, DataPipeline upstream) {
    String ns = upstream.getMetadata().getNamespace();
    String name = upstream.getMetadata().getName();
    return context
        .getPrimaryCache()
        .list(p -> ns.equals(p.getMetadata().getNamespace()) && dependsOn(p).contains(name))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** For each dependsOn name that exists, its latest run (id and phase). */
  static Map<String, UpstreamRun> latestRuns(Context<DataPipeline> context, DataPipeline p) {
    Map<String, UpstreamRun> out = new HashMap<>();
    String ns = p.getMetadata().getNamespace();
    for (String name : dependsOn(p)) {
      context
          .getPrimaryCache()
          .get(new ResourceID(name, ns))
          .ifPresent(u -> out.put(name, UpstreamRun.of(lastRun(u))));
    }
    return out;
  }

  /** Every pipeline of {@code p}'s namespace to the names it dependsOn, for cycle checks. */
  static Map<String, List<String>> dependencyEdges(Context<DataPipeline> context, DataPipeline p) {
    String ns = p.getMetadata().getNamespace();
    Map<String, List<String>> edges = new HashMap<>();
    context
        .getPrimaryCache()
        .list(o -> ns.equals(o.getMetadata().getNamespace()))
        .forEach(o -> edges.put(o.getMetadata().getName(), dependsOn(o)));
    // The cache may lag behind the object being reconciled.
    edges.put(p.getMetadata().getName(), dependsOn(p));
    return edges;
  }

  private static List<String> dependsOn(DataPipeline p) {
    List<UpstreamRef> refs = p.getSpec() == null ? null : p.getSpec().dependsOn();
    return refs == null ? List.of() : refs.stream().map(UpstreamRef::name).toList();
  }

  private static RunRecord lastRun(DataPipeline p) {
    DataPipelineStatus s = p.getStatus();
    return s == null ? null : s.lastRun();
  }
}

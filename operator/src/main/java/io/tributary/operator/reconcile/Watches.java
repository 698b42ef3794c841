package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.DataEndpoint;
import io.tributary.operator.api.Groups;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.policy.EndpointCatalog;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Event sources shared by the pipeline reconcilers: a pipeline is reconciled again when the pool it
 * names changes, when its namespace's residency label does, or when the endpoint catalog does.
 */
public final class Watches {
  static final String POOLS = "computepools";
  static final String NAMESPACES = "namespaces";
  static final String ENDPOINTS = "dataendpoints";

  private Watches() {}

  /** ComputePools; an event maps to every pipeline naming that pool. */
  public static <P extends HasMetadata> InformerEventSource<ComputePool, P> pools(
      EventSourceContext<P> context, Class<P> primary, Function<P, String> poolOf) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(ComputePool.class, primary)
            .withName(POOLS)
            .withWatchAllNamespaces()
            .withSecondaryToPrimaryMapper(
                pool ->
                    context
                        .getPrimaryCache()
                        .list(p -> pool.getMetadata().getName().equals(poolOf.apply(p)))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build(),
        context);
  }

  /** Namespaces; an event maps to every pipeline in that namespace. */
  public static <P extends HasMetadata> InformerEventSource<Namespace, P> namespaces(
      EventSourceContext<P> context, Class<P> primary) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Namespace.class, primary)
            .withName(NAMESPACES)
            .withWatchAllNamespaces()
            .withSecondaryToPrimaryMapper(
                ns ->
                    context
                        .getPrimaryCache()
                        .list(
                            p -> ns.getMetadata().getName().equals(p.getMetadata().getNamespace()))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build(),
        context);
  }

  /**
   * DataEndpoints (the endpoint catalog); an event maps to every pipeline. The catalog changes
   * rarely and a change can admit, refuse or re-fence any pipeline, so all of them look again: a
   * reconcile that finds nothing to do writes nothing.
   */
  public static <P extends HasMetadata> InformerEventSource<DataEndpoint, P> endpoints(
      EventSourceContext<P> context, Class<P> primary) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(DataEndpoint.class, primary)
            .withName(ENDPOINTS)
            .withWatchAllNamespaces()
            .withSecondaryToPrimaryMapper(
                endpoint ->
                    context
                        .getPrimaryCache()
                        .list()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build(),
        context);
  }

  /**
   * The endpoint catalog from the informer cache, in name order; {@link EndpointCatalog#off()} when
   * the operator does not enforce it.
   */
  @SuppressWarnings("unchecked")
  public static EndpointCatalog catalog(Context<?> context, OperatorConfig config) {
    if (!config.endpointCatalog()) return EndpointCatalog.off();
    var source =
        (InformerEventSource<DataEndpoint, ?>)
            context.eventSourceRetriever().getEventSourceFor(DataEndpoint.class, ENDPOINTS);
    return EndpointCatalog.enforced(
        source
            .list()
            .filter(e -> e.getSpec() != null)
            .sorted(Comparator.comparing(e -> e.getMetadata().getName()))
            .map(e -> new EndpointCatalog.Entry(e.getMetadata().getName(), e.getSpec()))
            .toList());
  }

  /** The spec of the named pool from the informer cache, or null if there is no such pool. */
  @SuppressWarnings("unchecked")
  public static ComputePoolSpec poolSpec(Context<?> context, String name) {
    var source =
        (InformerEventSource<ComputePool, ?>)
            context.eventSourceRetriever().getEventSourceFor(ComputePool.class, POOLS);
    return source.get(new ResourceID(name)).map(ComputePool::getSpec).orElse(null);
  }

  /** The namespace's tributary.io/residency label, or null. */
  @SuppressWarnings("unchecked")
  public static String namespaceRegion(Context<?> context, HasMetadata pipeline) {
    var source =
        (InformerEventSource<Namespace, ?>)
            context.eventSourceRetriever().getEventSourceFor(Namespace.class, NAMESPACES);
    return source
        .get(new ResourceID(pipeline.getMetadata().getNamespace()))
        .map(ns -> ns.getMetadata().getLabels())
        .map(labels -> labels.get(Groups.RESIDENCY_NAMESPACE_LABEL))
        .filter(Objects::nonNull)
        .orElse(null);
  }
}

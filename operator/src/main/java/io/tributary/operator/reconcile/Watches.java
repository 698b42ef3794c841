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
import io.tributary.operator.api.PipelineSpec;
import io.tributary.operator.api.TransformSet;
import io.tributary.operator.api.TransformSetSpec;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.policy.EndpointCatalog;
import io.tributary.operator.render.TransformSets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Event sources shared by the pipeline reconcilers: a pipeline is reconciled again when the pool it
 * names changes, when its namespace's residency label does, when the endpoint catalog does, or when
 * the steps of a TransformSet it names do.
 */
public final class Watches {
  static final String POOLS = "computepools";
  static final String NAMESPACES = "namespaces";
  static final String ENDPOINTS = "dataendpoints";
  static final String TRANSFORM_SETS = "transformsets";

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
   * TransformSets of the watched namespaces; a change of a set's steps (its generation: a status
   * write is no news to a pipeline) maps to every pipeline of its namespace naming it, so the
   * change rolls out to all of them.
   */
  public static <P extends HasMetadata> InformerEventSource<TransformSet, P> transformSets(
      EventSourceContext<P> context, Class<P> primary, Function<P, PipelineSpec> specOf) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(TransformSet.class, primary)
            .withName(TRANSFORM_SETS)
            .withOnUpdateFilter(
                (now, before) ->
                    !Objects.equals(
                        now.getMetadata().getGeneration(), before.getMetadata().getGeneration()))
            .withSecondaryToPrimaryMapper(
                set ->
                    context
                        .getPrimaryCache()
                        .list(
                            set.getMetadata().getNamespace(),
                            p ->
                                TransformSets.referenced(specOf.apply(p).transforms())
                                    .contains(set.getMetadata().getName()))
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

  /**
   * The TransformSets the spec names that exist in the pipeline's namespace, by name, from the
   * informer cache; a set that does not exist is left out ({@link TransformSets#missing}).
   */
  @SuppressWarnings("unchecked")
  public static Map<String, TransformSetSpec> transformSets(
      Context<?> context, HasMetadata pipeline, PipelineSpec spec) {
    Map<String, TransformSetSpec> sets = new LinkedHashMap<>();
    var names = TransformSets.referenced(spec.transforms());
    if (names.isEmpty()) return sets;
    var source =
        (InformerEventSource<TransformSet, ?>)
            context.eventSourceRetriever().getEventSourceFor(TransformSet.class, TRANSFORM_SETS);
    String ns = pipeline.getMetadata().getNamespace();
    for (String name : names) {
      source
          .get(new ResourceID(name, ns))
          .filter(set -> set.getSpec() != null)
          .ifPresent(set -> sets.put(name, set.getSpec()));
    }
    return sets;
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

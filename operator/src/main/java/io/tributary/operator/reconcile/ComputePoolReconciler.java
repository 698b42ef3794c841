package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.ComputePoolStatus;
import io.tributary.operator.status.PoolStatuses;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

/** ComputePool: reports the pool's nodes; node changes re-reconcile the pools they match. */
@ControllerConfiguration(name = "computepool")
public class ComputePoolReconciler implements Reconciler<ComputePool> {
  private final Clock clock;

  public ComputePoolReconciler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, ComputePool>> prepareEventSources(
      EventSourceContext<ComputePool> context) {
    InformerEventSource<Node, ComputePool> nodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, ComputePool.class)
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(
                    node ->
                        context
                            .getPrimaryCache()
                            .list(
                                p ->
                                    PoolStatuses.matches(
                                        p.getSpec(), node.getMetadata().getLabels()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(nodes);
  }

  @Override
  public UpdateControl<ComputePool> reconcile(ComputePool pool, Context<ComputePool> context) {
    @SuppressWarnings("unchecked")
    var nodes =
        (InformerEventSource<Node, ComputePool>)
            context.eventSourceRetriever().getEventSourceFor(Node.class);
    ComputePoolStatus status = PoolStatuses.of(pool, nodes.list().toList(), clock.instant());
    if (status.equals(pool.getStatus())) return UpdateControl.noUpdate();
    ComputePool patch = new ComputePool();
    patch.getMetadata().setName(pool.getMetadata().getName());
    patch.setStatus(status);
    return UpdateControl.patchStatus(patch);
  }
}

package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.ComputePoolSpec.ScaleTargetRef;
import io.tributary.operator.api.ComputePoolStatus;
import io.tributary.operator.autoscale.PoolAutoscaler;
import io.tributary.operator.autoscale.PoolAutoscaler.Decision;
import io.tributary.operator.autoscale.ScaleTargets;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.metrics.OperatorMetrics;
import io.tributary.operator.policy.PoolPolicy;
import io.tributary.operator.render.Labels;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.status.Conditions.Reason;
import io.tributary.operator.status.PoolScaling;
import io.tributary.operator.status.PoolStatuses;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ComputePool: reports the pool's nodes and resizes it. Nodes and Tributary worker pods
 * re-reconcile the pools they concern; the decision is {@link PoolAutoscaler}'s, taken on the
 * informer caches and the scale target's /scale, and carried out here: node cordons and marks, then
 * the replicas.
 */
@ControllerConfiguration(name = "computepool")
public class ComputePoolReconciler implements Reconciler<ComputePool> {
  /**
   * How often a pool with a scale target is looked at without an event: someone else may have
   * changed the target's replicas, which no watch of ours sees.
   */
  public static final Duration RESYNC = Duration.ofMinutes(1);

  static final String NODES = "nodes";
  static final String WORKERS = "workers";
  private static final Logger log = LoggerFactory.getLogger(ComputePoolReconciler.class);

  private final OperatorConfig config;
  private final ScaleTargets scaleTargets;
  private final PoolNodeMarks marks;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Clock clock;

  public ComputePoolReconciler(
      OperatorConfig config,
      KubernetesClient client,
      EventRecorder events,
      OperatorMetrics metrics,
      Clock clock) {
    this.config = config;
    this.scaleTargets = new KubernetesScaleTargets(client);
    this.marks = new PoolNodeMarks(client, clock);
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, ComputePool>> prepareEventSources(
      EventSourceContext<ComputePool> context) {
    Function<Map<String, String>, Set<ResourceID>> poolsOfNode =
        labels ->
            context
                .getPrimaryCache()
                .list(p -> PoolStatuses.matches(p.getSpec(), labels))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    InformerEventSource<Node, ComputePool> nodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, ComputePool.class)
                .withName(NODES)
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(
                    node -> poolsOfNode.apply(node.getMetadata().getLabels()))
                .build(),
            context);
    // A worker concerns the pool of the node it is bound to (it makes that node busy, or idle when
    // it goes), and while it waits, the pools whose nodes its nodeSelector asks for.
    var workers =
        InformerEventSourceConfiguration.from(Pod.class, ComputePool.class)
            .withName(WORKERS)
            .withLabelSelector(Labels.selectorString(Labels.workers()))
            .withSecondaryToPrimaryMapper(
                pod -> {
                  Set<ResourceID> pools = new HashSet<>();
                  String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
                  if (node != null) {
                    nodes
                        .get(new ResourceID(node))
                        .ifPresent(
                            n -> pools.addAll(poolsOfNode.apply(n.getMetadata().getLabels())));
                  } else if (pod.getSpec() != null && pod.getSpec().getNodeSelector() != null) {
                    Map<String, String> selector = pod.getSpec().getNodeSelector();
                    context
                        .getPrimaryCache()
                        .list(p -> PoolPolicy.selects(selector, PoolPolicy.nodeLabels(p.getSpec())))
                        .map(ResourceID::fromResource)
                        .forEach(pools::add);
                  }
                  return pools;
                });
    if (config.namespaces().isEmpty()) workers.withWatchAllNamespaces();
    else workers.withNamespaces(config.namespaces());
    return List.of(nodes, new InformerEventSource<>(workers.build(), context));
  }

  @Override
  @SuppressWarnings("unchecked")
  public UpdateControl<ComputePool> reconcile(ComputePool pool, Context<ComputePool> context) {
    var nodeSource =
        (InformerEventSource<Node, ComputePool>)
            context.eventSourceRetriever().getEventSourceFor(Node.class, NODES);
    var workerSource =
        (InformerEventSource<Pod, ComputePool>)
            context.eventSourceRetriever().getEventSourceFor(Pod.class, WORKERS);
    ComputePoolSpec spec = pool.getSpec();
    List<Node> allNodes = nodeSource.list().toList();
    Map<String, Node> poolNodes = new TreeMap<>();
    for (Node n : allNodes) {
      if (PoolStatuses.matches(spec, n.getMetadata().getLabels())) {
        poolNodes.put(n.getMetadata().getName(), n);
      }
    }
    ScaleTargetRef ref = spec.scaleTargetRef();
    poolNodes.values().stream().filter(PoolNodeMarks::staleMark).forEach(n -> marks.forget(n, ref));

    Integer target = null;
    Optional<String> problem = Optional.empty();
    if (ref != null) {
      try {
        target = scaleTargets.replicas(ref);
      } catch (ScaleTargets.Unavailable e) {
        problem = Optional.of(e.getMessage());
      }
    }
    PoolAutoscaler.Inputs inputs =
        PoolObservations.inputs(
            pool,
            List.copyOf(poolNodes.values()),
            workerSource.list().toList(),
            allPools(context),
            target);
    Decision decision = PoolAutoscaler.decide(inputs, clock.instant());
    if (target != null) problem = act(pool, poolNodes, target, decision);

    PoolScaling scaling =
        new PoolScaling(inputs, decision, ref == null ? null : ScaleTargets.describe(ref), problem);
    ComputePoolStatus status = PoolStatuses.of(pool, allNodes, scaling, clock.instant());
    report(pool, status, decision, target, problem);
    Duration next = decision.recheckAfter().filter(d -> d.compareTo(RESYNC) < 0).orElse(RESYNC);
    // The decision's time-based changes (a node's idle time running out) need a look at that
    // moment; a pool with a scale target is also looked at every RESYNC.
    boolean recheck = ref != null || decision.recheckAfter().isPresent();
    if (!status.equals(pool.getStatus())) {
      // Written and cached here (see PrimaryStatus): the status is the autoscaler's memory (last
      // decision, idle times), and a reconcile that a node or worker event triggers right after
      // must not start from the status before this one and drop the decision it recorded.
      ComputePool patch = new ComputePool();
      patch.getMetadata().setName(pool.getMetadata().getName());
      patch.setStatus(status);
      PrimaryStatus.write(
          pool,
          patch,
          p -> {
            p.setStatus(status);
            return p;
          },
          context);
    }
    UpdateControl<ComputePool> control = UpdateControl.noUpdate();
    return recheck ? control.rescheduleAfter(next) : control;
  }

  /**
   * Carries the decision out: uncordons and cordons first, then the replicas, then the nodes the
   * replicas were lowered for are marked as leaving (after the write, so a failed write leaves them
   * to be paid for again, by the same absolute count).
   *
   * @return the problem with the scale target, if writing it failed for a reason a retry will not
   *     fix
   */
  private Optional<String> act(
      ComputePool pool, Map<String, Node> nodes, int target, Decision decision) {
    ScaleTargetRef ref = pool.getSpec().scaleTargetRef();
    decision
        .nodeActions()
        .forEach(
            (name, action) -> {
              Node node = nodes.get(name);
              switch (action) {
                case UNCORDON -> marks.uncordon(node, ref);
                case CORDON -> marks.cordon(node, ref);
                case REMOVE -> {}
              }
            });
    if (decision.desiredNodes() != target) {
      try {
        scaleTargets.setReplicas(ref, decision.desiredNodes());
      } catch (ScaleTargets.Unavailable e) {
        return Optional.of(e.getMessage());
      }
      metrics.poolScaled(pool, decision.desiredNodes() > target ? "up" : "down");
    }
    decision
        .nodeActions()
        .forEach(
            (name, action) -> {
              if (action == PoolAutoscaler.NodeAction.REMOVE) marks.removing(nodes.get(name));
            });
    return Optional.empty();
  }

  /** Events for what changed, metrics for what is. */
  private void report(
      ComputePool pool,
      ComputePoolStatus status,
      Decision decision,
      Integer target,
      Optional<String> problem) {
    String name = pool.getMetadata().getName();
    if (problem.isPresent()) {
      var before =
          Conditions.find(
              pool.getStatus() == null ? null : pool.getStatus().conditions(), Conditions.SCALING);
      // Once per spell: the condition stays while it lasts, and RESYNC looks again every minute.
      if (before == null || !Reason.ScaleTargetUnavailable.name().equals(before.reason())) {
        events.warning(pool, Reason.ScaleTargetUnavailable.name(), problem.get());
        log.warn("pool {}: {}", name, problem.get());
      }
    } else if (decision.reason().isPresent()) {
      log.info(
          "pool {}: {} -> {} nodes: {}", name, target, decision.desiredNodes(), decision.message());
      events.normal(pool, decision.reason().get().name(), decision.message());
    }
    var demand = decision.demand();
    Map<String, Double> waiting = new TreeMap<>();
    waiting.put("cpu", demand.requests().cpuMillis() / 1000.0);
    waiting.put("memory", (double) demand.requests().memoryBytes());
    demand.requests().extended().forEach((k, v) -> waiting.put(k, v.doubleValue()));
    metrics.resources().conditions(pool, status.conditions());
    metrics.pool(
        pool,
        new OperatorMetrics.PoolGauges(
            status.nodes(),
            status.desiredNodes(),
            demand.workers(),
            waiting,
            decision.waitingAtMaximum() > 0));
  }

  private static SortedMap<String, ComputePoolSpec> allPools(Context<ComputePool> context) {
    SortedMap<String, ComputePoolSpec> pools = new TreeMap<>();
    context
        .getPrimaryCache()
        .list()
        .forEach(p -> pools.put(p.getMetadata().getName(), p.getSpec()));
    return pools;
  }
}

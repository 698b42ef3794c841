package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.ComputePoolStatus;
import io.tributary.operator.api.Groups;
import io.tributary.operator.autoscale.PendingWorker;
import io.tributary.operator.autoscale.PoolAutoscaler;
import io.tributary.operator.autoscale.PoolNode;
import io.tributary.operator.autoscale.PoolTargeting;
import io.tributary.operator.autoscale.Requests;
import io.tributary.operator.status.PoolStatuses;
import io.tributary.operator.status.WorkerPods;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The pool autoscaler's view of the cluster, from the informer caches: Kubernetes objects in, the
 * plain records of the autoscale package out. Quantities are converted here, once.
 */
final class PoolObservations {
  private PoolObservations() {}

  /**
   * The autoscaler's inputs for {@code pool}.
   *
   * @param poolNodes the nodes matching the pool's selector
   * @param workers every Tributary worker pod the operator sees
   * @param pools every pool by name, so a waiting worker counts for one pool only
   * @param target the scale target's replicas, or null without one
   */
  static PoolAutoscaler.Inputs inputs(
      ComputePool pool,
      List<Node> poolNodes,
      Collection<Pod> workers,
      SortedMap<String, ComputePoolSpec> pools,
      Integer target) {
    String name = pool.getMetadata().getName();
    Map<String, List<Pod>> byNode = new TreeMap<>();
    List<PendingWorker> pending = new ArrayList<>();
    for (Pod pod : workers) {
      String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
      if (node != null && running(pod)) {
        // A worker being deleted still runs until it has stopped: its node is not idle yet.
        byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(pod);
      } else if (node == null
          && pod.getMetadata().getDeletionTimestamp() == null
          && WorkerPods.unschedulable(pod).isPresent()) {
        PendingWorker w = pending(pod);
        if (PoolTargeting.owner(w, pools).filter(name::equals).isPresent()) pending.add(w);
      }
    }
    List<PoolNode> nodes =
        poolNodes.stream()
            .map(n -> node(n, byNode.getOrDefault(n.getMetadata().getName(), List.of())))
            .toList();
    return new PoolAutoscaler.Inputs(
        pool.getSpec(), shape(pool.getSpec()), target, nodes, pending, history(pool.getStatus()));
  }

  /** A waiting worker: its placement as the scheduler reads it, and its effective requests. */
  static PendingWorker pending(Pod pod) {
    var spec = pod.getSpec();
    List<PendingWorker.Toleration> tolerations =
        spec.getTolerations() == null
            ? List.of()
            : spec.getTolerations().stream()
                .map(
                    t ->
                        new PendingWorker.Toleration(
                            t.getKey(), t.getOperator(), t.getValue(), t.getEffect()))
                .toList();
    return new PendingWorker(
        pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(),
        new PendingWorker.Placement(
            spec.getNodeSelector() == null ? Map.of() : spec.getNodeSelector(),
            tolerations,
            regions(pod)),
        requests(pod));
  }

  /**
   * What the scheduler reserves for a pod: its containers' requests summed, at least what its
   * largest init container asks for, plus the pod overhead.
   */
  static Requests requests(Pod pod) {
    Requests sum = Requests.NONE;
    for (Container c : pod.getSpec().getContainers()) sum = sum.plus(requests(c));
    if (pod.getSpec().getInitContainers() != null) {
      for (Container c : pod.getSpec().getInitContainers()) {
        Requests init = requests(c);
        sum = max(sum, init);
      }
    }
    if (pod.getSpec().getOverhead() != null) sum = sum.plus(of(pod.getSpec().getOverhead()));
    return sum;
  }

  /** One node of a pool, with the workers bound to it. */
  static PoolNode node(Node node, List<Pod> workers) {
    Instant created = instant(node.getMetadata().getCreationTimestamp()).orElse(Instant.EPOCH);
    Optional<Instant> readySince =
        PoolStatuses.readyCondition(node)
            .filter(c -> "True".equals(c.getStatus()))
            .map(c -> instant(c.getLastTransitionTime()).orElse(created));
    Requests used = Requests.NONE;
    for (Pod p : workers) used = used.plus(requests(p));
    return new PoolNode(
        node.getMetadata().getName(),
        created,
        readySince,
        PoolNodeMarks.cordon(node),
        workers.size(),
        used);
  }

  /** One node of the template; null when spec.nodeTemplate does not give both CPU and memory. */
  static Requests shape(ComputePoolSpec spec) {
    ComputePoolSpec.NodeTemplate t = spec.nodeTemplate();
    if (t == null || t.cpu() == null || t.memory() == null) return null;
    Requests shape = Requests.of(millis(new Quantity(t.cpu())), bytes(new Quantity(t.memory())));
    if (spec.accelerator() != null && spec.accelerator().perNode() != null) {
      shape = shape.with(spec.accelerator().type(), spec.accelerator().perNode());
    }
    return shape;
  }

  /** The idle times the previous decision left in status. */
  static List<PoolAutoscaler.Idle> history(ComputePoolStatus status) {
    if (status == null || status.idleNodes() == null) return List.of();
    return status.idleNodes().stream()
        .flatMap(i -> instant(i.since()).map(t -> new PoolAutoscaler.Idle(i.node(), t)).stream())
        .toList();
  }

  /** Bound to a node and not finished: it holds the node. */
  private static boolean running(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  /**
   * The regions the pod's required node affinity admits: the terms are alternatives, so a term
   * without a region requirement admits every region (the empty set).
   */
  private static Set<String> regions(Pod pod) {
    var affinity = pod.getSpec().getAffinity();
    if (affinity == null
        || affinity.getNodeAffinity() == null
        || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return Set.of();
    }
    Set<String> regions = new HashSet<>();
    for (NodeSelectorTerm term :
        affinity
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms()) {
      List<String> values = null;
      if (term.getMatchExpressions() != null) {
        for (NodeSelectorRequirement r : term.getMatchExpressions()) {
          if (Groups.REGION_LABEL.equals(r.getKey()) && "In".equals(r.getOperator())) {
            values = r.getValues();
          }
        }
      }
      if (values == null) return Set.of();
      regions.addAll(values);
    }
    return regions;
  }

  private static Requests requests(Container c) {
    if (c.getResources() == null || c.getResources().getRequests() == null) return Requests.NONE;
    return of(c.getResources().getRequests());
  }

  /**
   * CPU, memory and the extended resources (names with a domain, such as nvidia.com/gpu) of a
   * resource list; ephemeral storage and hugepages are not planned for.
   */
  private static Requests of(Map<String, Quantity> resources) {
    long cpu = resources.containsKey("cpu") ? millis(resources.get("cpu")) : 0;
    long memory = resources.containsKey("memory") ? bytes(resources.get("memory")) : 0;
    Map<String, Long> extended = new TreeMap<>();
    resources.forEach(
        (k, v) -> {
          if (k.contains("/")) extended.put(k, bytes(v));
        });
    return new Requests(cpu, memory, extended);
  }

  private static Requests max(Requests a, Requests b) {
    Map<String, Long> extended = new TreeMap<>(a.extended());
    b.extended().forEach((k, v) -> extended.merge(k, v, Math::max));
    return new Requests(
        Math.max(a.cpuMillis(), b.cpuMillis()),
        Math.max(a.memoryBytes(), b.memoryBytes()),
        extended);
  }

  private static long millis(Quantity q) {
    return q.getNumericalAmount()
        .multiply(BigDecimal.valueOf(1000))
        .setScale(0, RoundingMode.CEILING)
        .longValueExact();
  }

  private static long bytes(Quantity q) {
    return q.getNumericalAmount().setScale(0, RoundingMode.CEILING).longValueExact();
  }

  private static Optional<Instant> instant(String time) {
    if (time == null) return Optional.empty();
    try {
      return Optional.of(Instant.parse(time));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

package io.tributary.operator.autoscale;

import io.tributary.operator.autoscale.PoolNode.Cordon;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Kubernetes cluster-autoscaler with its defaults, over {@link PoolWorld}s as its node groups
 * (the Cluster API provider scales a MachineDeployment through its replicas, as Tributary does),
 * for {@code AutoscalingBenchmark} to compare against. A model, not the cluster-autoscaler.
 *
 * <p>What it models, with the defaults of kubernetes/autoscaler {@code cluster-autoscaler/FAQ.md}
 * ("What are the parameters to CA?", "How does scale-up work?", "How does scale-down work?"):
 *
 * <ul>
 *   <li>one loop every {@code scan-interval} (10 s) for the whole cluster; no loop on pod events
 *       (the {@code frequent-loops} option is off by default);
 *   <li>scale-up: unschedulable pods are packed first onto the nodes on their way (registered, not
 *       Ready yet, and machines asked for but not registered), then onto new nodes of the group's
 *       template, up to its maximum ({@code estimator} binpacking: first-fit decreasing — this
 *       model reuses Tributary's {@link BinPacking}, so the two differ in timing, not in packing);
 *       a loop that scaled up does not scale down ({@code new-pod-scale-up-delay} 0);
 *   <li>scale-down: a Ready node is unneeded while the requests on it are below {@code
 *       scale-down-utilization-threshold} (0.5) of its allocatable — the larger of CPU and memory;
 *       for a GPU node, its GPUs ({@code scale-down-gpu-utilization-threshold} 0.5) — and its pods
 *       fit on the group's other nodes; after {@code scale-down-unneeded-time} (10 min) unneeded it
 *       is removed, empty nodes up to {@code max-empty-bulk-delete} (10) at once, a node with pods
 *       one at a time, its pods evicted first (they restart elsewhere); never below the group's
 *       minimum; no removal within {@code scale-down-delay-after-add} (10 min) of a scale-up —
 *       counting the autoscaler's start as one — nor within {@code scale-down-delay-after-delete}
 *       (the scan interval) of a removal.
 * </ul>
 *
 * <p>Not modelled: PodDisruptionBudgets pacing evictions (a StreamJob's allows one worker at a
 * time), graceful termination, {@code max-node-provision-time} (15 min), unready nodes.
 */
final class ClusterAutoscalerModel {
  static final Duration SCAN_INTERVAL = Duration.ofSeconds(10);
  static final Duration SCALE_DOWN_UNNEEDED_TIME = Duration.ofMinutes(10);
  static final Duration SCALE_DOWN_DELAY_AFTER_ADD = Duration.ofMinutes(10);
  static final Duration SCALE_DOWN_DELAY_AFTER_DELETE = SCAN_INTERVAL;
  static final double SCALE_DOWN_UTILIZATION_THRESHOLD = 0.5;
  static final int MAX_EMPTY_BULK_DELETE = 10;

  private final List<PoolWorld> groups;
  private final Duration phase;
  private final Map<PoolWorld.Node, Instant> unneededSince = new HashMap<>();
  private Instant lastScaleUp;
  private Instant lastDelete;

  /** Workers evicted from nodes it removed. */
  int evictions;

  /**
   * @param phase when, after the start, its loop first runs (then every scan interval)
   */
  ClusterAutoscalerModel(List<PoolWorld> groups, Duration phase) {
    this.groups = groups;
    this.phase = phase;
    this.lastScaleUp = groups.get(0).now; // its start counts as a scale-up
  }

  /** Called at every tick, after the worlds moved; {@code t} is the time since the start. */
  void tick(Duration t) {
    if (t.compareTo(phase) < 0 || t.minus(phase).toMillis() % SCAN_INTERVAL.toMillis() != 0) return;
    Instant now = groups.get(0).now;
    boolean scaledUp = false;
    for (PoolWorld g : groups) scaledUp |= scaleUp(g);
    if (scaledUp) {
      lastScaleUp = now;
      return;
    }
    boolean cooldown =
        now.isBefore(lastScaleUp.plus(SCALE_DOWN_DELAY_AFTER_ADD))
            || (lastDelete != null && now.isBefore(lastDelete.plus(SCALE_DOWN_DELAY_AFTER_DELETE)));
    boolean deleted = false;
    for (PoolWorld g : groups) deleted |= scaleDown(g, now, cooldown);
    if (deleted) lastDelete = now;
  }

  private boolean scaleUp(PoolWorld g) {
    List<PoolWorld.Worker> pending = g.workers.stream().filter(w -> w.node == null).toList();
    if (pending.isEmpty()) return false;
    var sizing = PoolAutoscaler.Sizing.of(g.spec, g.shape);
    List<long[]> upcoming = new ArrayList<>();
    for (PoolWorld.Node n : g.nodes) {
      PoolNode v = g.view(n);
      if (n.cordon == Cordon.NONE && v.readySince().isEmpty()) upcoming.add(sizing.room(v));
    }
    int staying = (int) g.nodes.stream().filter(n -> n.cordon != Cordon.REMOVING).count();
    for (int i = staying; i < g.target; i++) upcoming.add(sizing.node().clone());
    List<BinPacking.Item> items =
        pending.stream().map(w -> new BinPacking.Item(w.name, sizing.vector(w.requests))).toList();
    int max = PoolAutoscaler.Bounds.of(g.spec).max();
    var packed =
        BinPacking.firstFitDecreasing(
            items, upcoming, sizing.node(), Math.max(0, max - Math.max(g.target, staying)));
    if (packed.newBins() == 0) return false;
    g.target = Math.max(g.target, staying) + packed.newBins();
    return true;
  }

  private boolean scaleDown(PoolWorld g, Instant now, boolean cooldown) {
    var sizing = PoolAutoscaler.Sizing.of(g.spec, g.shape);
    int min = PoolAutoscaler.Bounds.of(g.spec).min();
    // Room on each schedulable Ready node, lowered as pods of candidates are moved there.
    Map<PoolWorld.Node, long[]> room = new HashMap<>();
    for (PoolWorld.Node n : g.nodes) {
      PoolNode v = g.view(n);
      if (n.cordon == Cordon.NONE && v.readySince().isPresent()) room.put(n, sizing.room(v));
    }
    // Least used first; a node that takes the pods of one found unneeded is needed itself.
    List<PoolWorld.Node> byUse = new ArrayList<>(g.nodes);
    byUse.sort(Comparator.comparingDouble(n -> utilization(g, sizing, n)));
    Set<PoolWorld.Node> destinations = new HashSet<>();
    List<PoolWorld.Node> unneeded = new ArrayList<>();
    for (PoolWorld.Node n : byUse) {
      if (!room.containsKey(n)
          || destinations.contains(n)
          || utilization(g, sizing, n) >= SCALE_DOWN_UTILIZATION_THRESHOLD
          || !movable(g, sizing, n, room, destinations)) {
        unneededSince.remove(n);
        continue;
      }
      unneededSince.putIfAbsent(n, now);
      unneeded.add(n);
    }
    if (cooldown) return false;
    int canRemove = Math.max(0, Math.min(g.target, g.nodes.size()) - min);
    List<PoolWorld.Node> remove = new ArrayList<>();
    boolean drained = false;
    for (PoolWorld.Node n : unneeded) {
      if (remove.size() >= canRemove) break;
      if (now.isBefore(unneededSince.get(n).plus(SCALE_DOWN_UNNEEDED_TIME))) continue;
      boolean empty = g.workersOn(n) == 0;
      if (empty
          && remove.stream().filter(r -> g.workersOn(r) == 0).count() >= MAX_EMPTY_BULK_DELETE) {
        continue;
      }
      if (!empty && drained) continue;
      drained |= !empty;
      remove.add(n);
    }
    for (PoolWorld.Node n : remove) {
      for (PoolWorld.Worker w : g.workers) {
        if (w.node == n) {
          w.node = null;
          evictions++;
        }
      }
      n.cordon = Cordon.REMOVING;
      unneededSince.remove(n);
      g.target = Math.min(g.target, g.nodes.size()) - 1;
    }
    return !remove.isEmpty();
  }

  /** The larger of CPU and memory requested over allocatable; for a GPU node, its GPUs. */
  private static double utilization(PoolWorld g, PoolAutoscaler.Sizing sizing, PoolWorld.Node n) {
    long[] used = sizing.vector(g.view(n).used());
    long[] node = sizing.node();
    if (sizing.accelerator() != null && node[2] > 0) return (double) used[2] / node[2];
    return Math.max((double) used[0] / node[0], (double) used[1] / node[1]);
  }

  /**
   * Whether the node's pods fit on the group's other nodes; if so, their room is taken, and the
   * nodes that take them join {@code destinations}.
   */
  private static boolean movable(
      PoolWorld g,
      PoolAutoscaler.Sizing sizing,
      PoolWorld.Node n,
      Map<PoolWorld.Node, long[]> room,
      Set<PoolWorld.Node> destinations) {
    Map<PoolWorld.Node, long[]> trial = new HashMap<>();
    room.forEach((k, v) -> trial.put(k, v.clone()));
    trial.remove(n);
    Set<PoolWorld.Node> used = new HashSet<>();
    for (PoolWorld.Worker w : g.workers) {
      if (w.node != n) continue;
      long[] size = sizing.vector(w.requests);
      PoolWorld.Node to = null;
      for (PoolWorld.Node other : g.nodes) {
        long[] r = trial.get(other);
        if (r != null && BinPacking.fits(size, r)) {
          to = other;
          break;
        }
      }
      if (to == null) return false;
      long[] r = trial.get(to);
      for (int d = 0; d < r.length; d++) r[d] -= size[d];
      used.add(to);
    }
    room.clear();
    room.putAll(trial);
    room.put(n, new long[sizing.node().length]); // the node itself takes nothing any more
    destinations.addAll(used);
    return true;
  }
}

package io.tributary.operator.autoscale;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.PoolScaleReason;
import io.tributary.operator.autoscale.PoolNode.Cordon;
import io.tributary.pipeline.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Sizes a node pool from the Tributary workers waiting for it. Growth is immediate: the waiting
 * workers are packed onto the capacity already on its way (nodes booting or just Ready, machines
 * asked for but not registered, idle nodes cordoned for removal) and then onto new nodes of the
 * pool's template, up to maxNodes. Shrinking is slow and in two steps: a node that has held no
 * Tributary worker for scaleDownDelay is cordoned; at the next decision, if it is still empty and
 * no worker waits, the scale target is lowered to drop it. Never below minNodes, never a node with
 * a running worker, never while workers wait.
 *
 * <p>Pure: what the pool's nodes and workers look like comes in, what to do comes out. The only
 * memory — when each node became empty — goes out with the decision and comes back with the next
 * one, so the caller keeps it in the pool's status and a restarted operator carries on. Everything
 * else is read from the world each time (the scale target's replicas, the nodes' cordons), so a
 * decision repeated after a failed write asks for the same thing again rather than twice as much.
 */
public final class PoolAutoscaler {
  /**
   * How long a node that just turned Ready still counts as room for waiting workers: the scheduler
   * retries them when a node changes, but a decision may run before it has. Without this, every new
   * node would look full to workers that are about to land on it, and the pool would grow twice.
   */
  public static final Duration SCHEDULER_GRACE = Duration.ofSeconds(30);

  /** How long a registered node may take to turn Ready before it no longer counts as coming. */
  public static final Duration BOOT_GRACE = Duration.ofMinutes(10);

  /**
   * Idle nodes remembered at most (etcd bounds an object's size). A node beyond the limit starts
   * its idle time later, when there is room: it is removed late, never early.
   */
  public static final int MAX_IDLE_ENTRIES = 100;

  private PoolAutoscaler() {}

  /** The pool's node-count bounds with their defaults, the one place they are defaulted. */
  public record Bounds(int min, int max, Duration scaleDownDelay) {
    public static final int DEFAULT_MAX = 10;
    public static final Duration DEFAULT_SCALE_DOWN_DELAY = Duration.ofMinutes(10);

    public static Bounds of(ComputePoolSpec spec) {
      int min = spec.minNodes() != null ? spec.minNodes() : 0;
      int max = spec.maxNodes() != null ? spec.maxNodes() : Math.max(DEFAULT_MAX, min);
      return new Bounds(
          min, max, Durations.parseOr(spec.scaleDownDelay(), DEFAULT_SCALE_DOWN_DELAY));
    }
  }

  /** A node that has held no Tributary worker since {@code since}. */
  public record Idle(String node, Instant since) {}

  /** What to do to a node. */
  public enum NodeAction {
    /** Cordon it (and mark it, and its Machine, for removal): it was idle for scaleDownDelay. */
    CORDON,
    /** It stays cordoned and the scale target was lowered to drop it: mark it as leaving. */
    REMOVE,
    /** Uncordon it and drop the marks: it is needed after all. */
    UNCORDON
  }

  /**
   * The workers waiting for the pool.
   *
   * @param requests what they ask for together
   * @param unplaceable those that ask for more than one node of the template offers: no number of
   *     nodes helps them
   */
  public record Demand(int workers, Requests requests, List<String> unplaceable) {
    /** "3 workers wait (12 CPU, 48Gi memory, 3 nvidia.com/gpu)", naming those no node can hold. */
    public String describe() {
      String text =
          workers
              + (workers == 1 ? " worker waits (" : " workers wait (")
              + requests.describe()
              + ")";
      if (!unplaceable.isEmpty()) {
        text +=
            "; "
                + names(unplaceable)
                + " ask(s) for more than one node of spec.nodeTemplate offers: no number of nodes"
                + " helps, lower their compute.resources or use a larger pool";
      }
      return text;
    }
  }

  /**
   * What the autoscaler sees of one pool.
   *
   * @param nodeShape what one node of the template offers; null when spec.nodeTemplate does not say
   * @param targetReplicas the scale target's replicas; null when the pool has no scale target
   * @param pending the waiting workers that count for this pool (see {@link PoolTargeting#owner})
   * @param history what the previous decision returned
   */
  public record Inputs(
      ComputePoolSpec spec,
      Requests nodeShape,
      Integer targetReplicas,
      List<PoolNode> nodes,
      List<PendingWorker> pending,
      List<Idle> history) {
    public Inputs {
      nodes = nodes.stream().sorted(Comparator.comparing(PoolNode::name)).toList();
      pending = List.copyOf(pending);
      history = history == null ? List.of() : List.copyOf(history);
    }
  }

  /**
   * A decision and why.
   *
   * @param desiredNodes the replicas to set on the scale target; null without one
   * @param nodeActions what to do to which node, by node name
   * @param reason what was changed, empty when nothing was
   * @param message why, in words for a condition and an Event
   * @param waitingAtMaximum waiting workers that maxNodes leaves without room
   * @param history to pass to the next decision (keep it in status)
   * @param recheckAfter when time alone will change the decision (a node's idle time running out, a
   *     new node's grace ending)
   */
  public record Decision(
      Integer desiredNodes,
      SortedMap<String, NodeAction> nodeActions,
      Optional<PoolScaleReason> reason,
      String message,
      Demand demand,
      int waitingAtMaximum,
      List<Idle> history,
      Optional<Duration> recheckAfter) {}

  public static Decision decide(Inputs in, Instant now) {
    Bounds bounds = Bounds.of(in.spec());
    List<Idle> history = remember(in.history(), in.nodes(), now);
    Sizing sizing = Sizing.of(in.spec(), in.nodeShape());
    List<PendingWorker> placeable = new ArrayList<>();
    List<String> unplaceable = new ArrayList<>();
    Requests total = Requests.NONE;
    for (PendingWorker w : in.pending()) {
      total = total.plus(w.requests());
      if (sizing == null || BinPacking.fits(sizing.vector(w.requests()), sizing.node())) {
        placeable.add(w);
      } else {
        unplaceable.add(w.name());
      }
    }
    Demand demand = new Demand(in.pending().size(), total, List.copyOf(unplaceable));
    Step step = new Step(in, bounds, sizing, history, now);
    if (in.targetReplicas() == null) {
      return step.hold("spec.scaleTargetRef is not set: the pool is reported, not resized", demand);
    }
    if (sizing == null) {
      return step.hold(
          "spec.nodeTemplate needs cpu and memory to plan how many nodes waiting workers need",
          demand);
    }
    // Never a node with a running worker: one that took a worker after it was cordoned is kept.
    SortedMap<String, NodeAction> actions = new TreeMap<>();
    List<String> tookWork = new ArrayList<>();
    for (PoolNode n : step.nodes(Cordon.LEAVING)) {
      if (n.workers() > 0) {
        actions.put(n.name(), NodeAction.UNCORDON);
        tookWork.add(n.name());
      }
    }
    Decision d =
        placeable.isEmpty()
            ? PoolShrink.decide(step, demand, actions)
            : PoolGrowth.decide(step, placeable, demand, actions);
    if (tookWork.isEmpty()) return d;
    return new Decision(
        d.desiredNodes(),
        d.nodeActions(),
        d.reason().or(() -> Optional.of(PoolScaleReason.NodesNeededAgain)),
        d.message() + "; kept " + names(tookWork) + ": a worker landed there after it was cordoned",
        d.demand(),
        d.waitingAtMaximum(),
        d.history(),
        d.recheckAfter());
  }

  /** The idle times carried over, a new one for each node that became empty, none for busy ones. */
  static List<Idle> remember(List<Idle> previous, List<PoolNode> nodes, Instant now) {
    Map<String, Instant> since = new TreeMap<>();
    previous.forEach(i -> since.put(i.node(), i.since()));
    List<Idle> out = new ArrayList<>();
    for (PoolNode n : nodes) {
      if (n.workers() > 0) continue;
      out.add(new Idle(n.name(), since.getOrDefault(n.name(), now)));
    }
    out.sort(Comparator.comparing(Idle::since).thenComparing(Idle::node));
    return List.copyOf(out.subList(0, Math.min(out.size(), MAX_IDLE_ENTRIES)));
  }

  /**
   * The pool's template as a vector (CPU, memory, the pool's accelerator), so packing compares the
   * dimensions the pool offers.
   */
  record Sizing(String accelerator, long[] node) {
    static Sizing of(ComputePoolSpec spec, Requests shape) {
      if (shape == null) return null;
      String type = spec.accelerator() != null ? spec.accelerator().type() : null;
      return new Sizing(
          type, new long[] {shape.cpuMillis(), shape.memoryBytes(), shape.extended(type)});
    }

    long[] vector(Requests r) {
      return new long[] {r.cpuMillis(), r.memoryBytes(), r.extended(accelerator)};
    }

    long[] room(PoolNode n) {
      long[] used = vector(n.used());
      long[] room = node.clone();
      for (int d = 0; d < room.length; d++) room[d] = Math.max(0, room[d] - used[d]);
      return room;
    }
  }

  /** One decision's shared facts, for the growth and shrink halves. */
  record Step(Inputs in, Bounds bounds, Sizing sizing, List<Idle> history, Instant now) {
    int target() {
      return in.targetReplicas();
    }

    List<PoolNode> nodes(Cordon cordon) {
      return in.nodes().stream().filter(n -> n.cordon() == cordon).toList();
    }

    /** Nodes the scale target still counts: all but those it was asked to drop. */
    int staying() {
      return in.nodes().size() - nodes(Cordon.REMOVING).size();
    }

    /** Machines asked for that have not registered as nodes yet. */
    int inFlight() {
      return Math.max(0, target() - staying());
    }

    boolean ready(PoolNode n) {
      return n.readySince().isPresent();
    }

    /** Ready, but so recently that the scheduler may not have tried the waiting workers on it. */
    boolean justReady(PoolNode n) {
      return n.readySince().map(t -> now.isBefore(t.plus(SCHEDULER_GRACE))).orElse(false);
    }

    /** Not Ready yet, and young enough to be booting rather than broken. */
    boolean booting(PoolNode n) {
      return n.readySince().isEmpty() && now.isBefore(n.created().plus(BOOT_GRACE));
    }

    Decision hold(String message, Demand demand) {
      String text = demand.workers() > 0 ? message + "; " + demand.describe() : message;
      return decision(in.targetReplicas(), new TreeMap<>(), null, text, demand, 0, null);
    }

    /** A decision of this step; {@code reason} null when nothing changes. */
    Decision decision(
        Integer desired,
        SortedMap<String, NodeAction> actions,
        PoolScaleReason reason,
        String message,
        Demand demand,
        int waitingAtMaximum,
        Instant recheckAt) {
      return new Decision(
          desired,
          actions,
          Optional.ofNullable(reason),
          message,
          demand,
          waitingAtMaximum,
          history,
          Optional.ofNullable(recheckAt).map(t -> Duration.between(now, t)));
    }
  }

  /** At most five names, so a message about a big pool stays readable. */
  public static String names(List<String> names) {
    List<String> sorted = names.stream().sorted().toList();
    String shown = String.join(", ", sorted.subList(0, Math.min(5, sorted.size())));
    return sorted.size() > 5 ? shown + " and " + (sorted.size() - 5) + " more" : shown;
  }
}

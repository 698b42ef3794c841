package io.tributary.operator.autoscale;

import io.tributary.operator.api.PoolScaleReason;
import io.tributary.operator.autoscale.PoolAutoscaler.Decision;
import io.tributary.operator.autoscale.PoolAutoscaler.Demand;
import io.tributary.operator.autoscale.PoolAutoscaler.NodeAction;
import io.tributary.operator.autoscale.PoolAutoscaler.Step;
import io.tributary.operator.autoscale.PoolNode.Cordon;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/** The half of a pool decision taken while workers wait: grow at once, shrink nothing. */
final class PoolGrowth {
  private PoolGrowth() {}

  /**
   * @param waiting the waiting workers that fit one node of the template
   * @param actions node actions decided already; growth adds to them
   */
  static Decision decide(
      Step s, List<PendingWorker> waiting, Demand demand, SortedMap<String, NodeAction> actions) {
    String wait = demand.describe();
    // A node the scheduler has had time to try, holding no worker, yet workers wait: room is not
    // what they lack (an extra taint, a template larger than the real nodes, ...). A new node of
    // the same template would not take them either, so the pool holds and says so.
    Optional<PoolNode> idleReady =
        s.nodes(Cordon.NONE).stream()
            .filter(n -> s.ready(n) && !s.justReady(n) && n.workers() == 0)
            .findFirst();
    if (idleReady.isPresent()) {
      return s.decision(
          s.target(),
          actions,
          null,
          wait
              + ", yet node "
              + idleReady.get().name()
              + " is Ready and holds no worker: something other than room keeps them off"
              + " (see the workers' PodScheduled message); a node more would not help",
          demand,
          0,
          null);
    }

    // Capacity on its way comes first, so a decision repeated before it arrives asks for nothing
    // more: nodes booting or just Ready, machines asked for and not registered, then idle nodes
    // cordoned for removal (reclaiming one costs nothing).
    List<long[]> open = new ArrayList<>();
    Instant recheckAt = null;
    for (PoolNode n : s.nodes(Cordon.NONE)) {
      if (s.booting(n) || s.justReady(n)) {
        open.add(s.sizing().room(n));
        Instant graceEnds =
            s.booting(n)
                ? n.created().plus(PoolAutoscaler.BOOT_GRACE)
                : n.readySince().orElseThrow().plus(PoolAutoscaler.SCHEDULER_GRACE);
        if (recheckAt == null || graceEnds.isBefore(recheckAt)) recheckAt = graceEnds;
      }
    }
    int comingNodes = open.size();
    int inFlight = s.inFlight();
    for (int i = 0; i < inFlight; i++) open.add(s.sizing().node().clone());
    List<PoolNode> reclaimable =
        s.nodes(Cordon.LEAVING).stream()
            .filter(n -> n.workers() == 0 && !actions.containsKey(n.name()))
            .toList();
    int firstReclaimable = open.size();
    reclaimable.forEach(n -> open.add(s.sizing().node().clone()));

    int present = s.staying() + inFlight;
    int maxNew = Math.max(0, s.bounds().max() - present);
    List<BinPacking.Item> items =
        waiting.stream()
            .map(w -> new BinPacking.Item(w.name(), s.sizing().vector(w.requests())))
            .toList();
    BinPacking.Result packed =
        BinPacking.firstFitDecreasing(items, open, s.sizing().node(), maxNew);

    List<String> reclaimed = new ArrayList<>();
    for (int bin : packed.usedBins()) {
      if (bin >= firstReclaimable) reclaimed.add(reclaimable.get(bin - firstReclaimable).name());
    }
    reclaimed.forEach(n -> actions.put(n, NodeAction.UNCORDON));
    int desired = Math.max(s.bounds().min(), present + packed.newBins());

    List<String> parts = new ArrayList<>();
    parts.add(wait);
    PoolScaleReason reason = null;
    if (desired > s.target()) {
      boolean forWorkers = present + packed.newBins() > s.target();
      reason = forWorkers ? PoolScaleReason.PendingWorkers : PoolScaleReason.BelowMinNodes;
      parts.add(
          "asked for "
              + desired
              + " nodes (was "
              + s.target()
              + (forWorkers
                  ? "): " + packed.newBins() + " more of the template"
                  : "): spec.minNodes is " + s.bounds().min()));
    }
    if (!reclaimed.isEmpty()) {
      if (reason == null) reason = PoolScaleReason.NodesNeededAgain;
      parts.add("uncordoned idle " + PoolAutoscaler.names(reclaimed) + " for them");
    }
    if (reason == null && packed.unplaced().isEmpty()) {
      parts.add(
          "they fit the capacity on its way ("
              + comingNodes
              + " node(s) booting or just Ready, "
              + inFlight
              + " machine(s) asked for)");
    }
    if (!packed.unplaced().isEmpty()) {
      parts.add(
          packed.unplaced().size()
              + " of them find no room within maxNodes "
              + s.bounds().max()
              + ": raise spec.maxNodes or ask for less");
    }
    return s.decision(
        desired,
        actions,
        reason,
        String.join("; ", parts),
        demand,
        packed.unplaced().size(),
        recheckAt);
  }
}

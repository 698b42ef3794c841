package io.tributary.operator.autoscale;

import io.tributary.operator.api.PoolScaleReason;
import io.tributary.operator.autoscale.PoolAutoscaler.Decision;
import io.tributary.operator.autoscale.PoolAutoscaler.Demand;
import io.tributary.operator.autoscale.PoolAutoscaler.Idle;
import io.tributary.operator.autoscale.PoolAutoscaler.NodeAction;
import io.tributary.operator.autoscale.PoolAutoscaler.Step;
import io.tributary.operator.autoscale.PoolNode.Cordon;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The half of a pool decision taken while no worker waits: keep minNodes, and give back nodes idle
 * for scaleDownDelay in two steps (cordon; then, still empty, lower the scale target), one step per
 * decision so a worker bound in between is seen before its node goes.
 */
final class PoolShrink {
  private PoolShrink() {}

  static Decision decide(Step s, Demand demand, SortedMap<String, NodeAction> actions) {
    int target = s.target();
    String none = demand.workers() == 0 ? "no worker waits" : demand.describe();
    if (target < s.bounds().min()) {
      return s.decision(
          s.bounds().min(),
          actions,
          PoolScaleReason.BelowMinNodes,
          none
              + "; asked for "
              + s.bounds().min()
              + " nodes (was "
              + target
              + "): spec.minNodes is "
              + s.bounds().min(),
          demand,
          0,
          null);
    }
    Map<String, Instant> idleSince = new TreeMap<>();
    for (Idle i : s.history()) idleSince.put(i.node(), i.since());
    List<PoolNode> leaving =
        s.nodes(Cordon.LEAVING).stream()
            .filter(n -> !actions.containsKey(n.name()))
            .sorted(byIdleTime(idleSince))
            .toList();
    if (!leaving.isEmpty()) return removeLeaving(s, leaving, none, demand, actions);
    return cordonIdle(s, idleSince, none, demand, actions);
  }

  /**
   * The second step: lower the scale target for the cordoned idle nodes, as an absolute count (the
   * nodes there, less those leaving), so a decision repeated after a failed write does not lower it
   * twice.
   */
  private static Decision removeLeaving(
      Step s,
      List<PoolNode> leaving,
      String none,
      Demand demand,
      SortedMap<String, NodeAction> actions) {
    int target = s.target();
    int registered = s.in().nodes().size();
    List<String> names = leaving.stream().map(PoolNode::name).toList();
    if (target > registered) {
      // More machines were asked for (by us or by hand) since these were cordoned: keep them.
      names.forEach(n -> actions.put(n, NodeAction.UNCORDON));
      return s.decision(
          target,
          actions,
          PoolScaleReason.NodesNeededAgain,
          none
              + "; uncordoned "
              + PoolAutoscaler.names(names)
              + ": the scale target asks for "
              + target
              + " nodes, more than the "
              + registered
              + " there",
          demand,
          0,
          null);
    }
    int removing = s.nodes(Cordon.REMOVING).size();
    int keep = registered - removing - leaving.size();
    // minNodes may have been raised since they were cordoned: keep enough of them.
    int spared = Math.max(0, s.bounds().min() - Math.min(target, keep));
    List<String> go = names.subList(0, Math.max(0, names.size() - spared));
    List<String> stay = names.subList(go.size(), names.size());
    go.forEach(n -> actions.put(n, NodeAction.REMOVE));
    stay.forEach(n -> actions.put(n, NodeAction.UNCORDON));
    int desired = Math.min(target, registered - removing - go.size());
    String message =
        none
            + "; "
            + (go.isEmpty()
                ? ""
                : PoolAutoscaler.names(go)
                    + " held no worker for "
                    + delay(s)
                    + ": asked for "
                    + desired
                    + " nodes (was "
                    + target
                    + ")")
            + (stay.isEmpty() || go.isEmpty() ? "" : "; ")
            + (stay.isEmpty()
                ? ""
                : "uncordoned " + PoolAutoscaler.names(stay) + ": spec.minNodes keeps them");
    return s.decision(
        desired,
        actions,
        go.isEmpty() ? PoolScaleReason.NodesNeededAgain : PoolScaleReason.RemovingIdleNodes,
        message,
        demand,
        0,
        null);
  }

  /** The first step: cordon the nodes idle for scaleDownDelay, as many as minNodes allows. */
  private static Decision cordonIdle(
      Step s,
      Map<String, Instant> idleSince,
      String none,
      Demand demand,
      SortedMap<String, NodeAction> actions) {
    int target = s.target();
    int registered = s.in().nodes().size();
    Instant due = s.now().minus(s.bounds().scaleDownDelay());
    List<PoolNode> idle =
        s.nodes(Cordon.NONE).stream()
            .filter(n -> n.workers() == 0 && idleSince.containsKey(n.name()))
            .sorted(byIdleTime(idleSince))
            .toList();
    List<String> cordon = new ArrayList<>();
    Instant recheckAt = null;
    // Not while machines are on their way: what they are for is not settled yet.
    boolean settled = target <= registered;
    int room =
        Math.max(
            0, Math.min(target, registered - s.nodes(Cordon.REMOVING).size()) - s.bounds().min());
    for (PoolNode n : idle) {
      Instant since = idleSince.get(n.name());
      if (since.isAfter(due)) {
        Instant at = since.plus(s.bounds().scaleDownDelay());
        if (recheckAt == null || at.isBefore(recheckAt)) recheckAt = at;
      } else if (settled && cordon.size() < room) {
        cordon.add(n.name());
      }
    }
    cordon.forEach(n -> actions.put(n, NodeAction.CORDON));
    String message;
    if (!cordon.isEmpty()) {
      message =
          none
              + "; "
              + PoolAutoscaler.names(cordon)
              + " held no worker for "
              + delay(s)
              + " (spec.scaleDownDelay): cordoned, to be removed if still empty at the next"
              + " decision";
    } else {
      message =
          none
              + "; "
              + registered
              + " node(s), "
              + idle.size()
              + " idle"
              + (idle.isEmpty() ? "" : ", none removable now (scaleDownDelay, minNodes)");
    }
    return s.decision(
        target,
        actions,
        cordon.isEmpty() ? null : PoolScaleReason.IdleNodes,
        message,
        demand,
        0,
        recheckAt);
  }

  /** scaleDownDelay as the spec would write it: 15m, 1h30m, 90s. */
  private static String delay(Step s) {
    Duration d = s.bounds().scaleDownDelay();
    if (d.toSecondsPart() != 0 || d.isZero()) return d.toSeconds() + "s";
    String text = (d.toHours() > 0 ? d.toHours() + "h" : "");
    return d.toMinutesPart() > 0 ? text + d.toMinutesPart() + "m" : text;
  }

  /** Longest idle first; a node without a recorded idle time last; then by name. */
  private static Comparator<PoolNode> byIdleTime(Map<String, Instant> idleSince) {
    return Comparator.comparing((PoolNode n) -> idleSince.getOrDefault(n.name(), Instant.MAX))
        .thenComparing(PoolNode::name);
  }
}

package io.tributary.operator.status;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.ComputePoolStatus;
import io.tributary.operator.api.Condition;
import io.tributary.operator.autoscale.PoolAutoscaler;
import io.tributary.operator.autoscale.Requests;
import io.tributary.operator.policy.PoolPolicy;
import io.tributary.operator.status.Conditions.Reason;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** ComputePool status from the nodes that match it. */
public final class PoolStatuses {
  private PoolStatuses() {}

  /** Whether a node carries every label of the pool's selector. */
  public static boolean matches(ComputePoolSpec spec, Map<String, String> nodeLabels) {
    return PoolPolicy.selects(spec.nodeSelector(), nodeLabels);
  }

  /**
   * The pool's status: its nodes as observed, and what the autoscaler decided about them.
   *
   * @param scaling the autoscaler's decision for the pool this time
   */
  public static ComputePoolStatus of(
      ComputePool pool, Collection<Node> nodes, PoolScaling scaling, Instant now) {
    ComputePoolSpec spec = pool.getSpec();
    List<Node> matching =
        nodes.stream().filter(n -> matches(spec, n.getMetadata().getLabels())).toList();
    List<Node> ready = matching.stream().filter(PoolStatuses::isReady).toList();
    BigDecimal cpu = BigDecimal.ZERO;
    BigDecimal memory = BigDecimal.ZERO;
    long accelerators = 0;
    String acceleratorType = spec.accelerator() != null ? spec.accelerator().type() : null;
    for (Node n : ready) {
      Map<String, Quantity> alloc = n.getStatus() == null ? null : n.getStatus().getAllocatable();
      if (alloc == null) continue;
      if (alloc.get("cpu") != null) cpu = cpu.add(alloc.get("cpu").getNumericalAmount());
      if (alloc.get("memory") != null)
        memory = memory.add(alloc.get("memory").getNumericalAmount());
      if (acceleratorType != null && alloc.get(acceleratorType) != null) {
        accelerators += alloc.get(acceleratorType).getNumericalAmount().longValue();
      }
    }
    long gen = pool.getMetadata().getGeneration() == null ? 0 : pool.getMetadata().getGeneration();
    List<Condition> conditions =
        new ArrayList<>(conditions(spec, matching, scaling.desiredNodes(), gen));
    conditions.addAll(scaling.conditions(gen));
    return scaling
        .apply(ComputePoolStatus.builder(), pool.getStatus(), now)
        .nodes(matching.size(), ready.size())
        .allocatable(
            cpu.stripTrailingZeros().toPlainString(),
            Requests.memoryText(memory.longValue()),
            acceleratorType == null ? null : accelerators)
        .conditions(
            gen,
            Conditions.merge(
                pool.getStatus() == null ? null : pool.getStatus().conditions(), conditions, now))
        .build();
  }

  /**
   * Ready when at least one matching node takes work; Progressing while the pool changes on purpose
   * (nodes cordoned for a drain, or the scale target asked for another size); Degraded when nodes
   * that should take work report not Ready.
   */
  static List<Condition> conditions(
      ComputePoolSpec spec, List<Node> matching, Integer desiredNodes, long gen) {
    List<String> ready = new ArrayList<>();
    List<String> cordoned = new ArrayList<>();
    List<String> notReady = new ArrayList<>();
    for (Node n : matching) {
      String name = n.getMetadata().getName();
      if (cordoned(n)) cordoned.add(name);
      else if (nodeReady(n)) ready.add(name);
      else notReady.add(name + " (" + notReadyWhy(n) + ")");
    }
    Condition readyCondition;
    if (!ready.isEmpty()) {
      readyCondition =
          Conditions.of(
              Conditions.READY,
              true,
              Reason.NodesReady,
              ready.size() + " of " + matching.size() + " nodes ready",
              gen);
    } else {
      readyCondition =
          Conditions.of(
              Conditions.READY,
              false,
              Reason.NoNodes,
              matching.isEmpty()
                  ? "no node matches spec.nodeSelector " + new TreeMap<>(spec.nodeSelector())
                  : "none of the " + matching.size() + " matching nodes takes work",
              gen);
    }
    Condition progressing;
    if (desiredNodes != null && desiredNodes != matching.size()) {
      progressing =
          Conditions.of(
              Conditions.PROGRESSING,
              true,
              Reason.Scaling,
              "asked the scale target for "
                  + desiredNodes
                  + " nodes; "
                  + matching.size()
                  + " match",
              gen);
    } else if (!cordoned.isEmpty()) {
      progressing =
          Conditions.of(
              Conditions.PROGRESSING,
              true,
              Reason.NodesCordoned,
              cordoned.size()
                  + " node(s) cordoned, taking no new workers: "
                  + PoolAutoscaler.names(cordoned),
              gen);
    } else {
      progressing =
          Conditions.of(
              Conditions.PROGRESSING,
              false,
              Reason.Stable,
              matching.size() + " matching node(s), none cordoned",
              gen);
    }
    Condition degraded =
        notReady.isEmpty()
            ? Conditions.of(
                Conditions.DEGRADED, false, Reason.NoProblems, "no matching node is failing", gen)
            : Conditions.of(
                Conditions.DEGRADED,
                true,
                Reason.NodesNotReady,
                notReady.size()
                    + " of "
                    + matching.size()
                    + " nodes not ready: "
                    + PoolAutoscaler.names(notReady),
                gen);
    return List.of(readyCondition, progressing, degraded);
  }

  /** Whether the node is cordoned (takes no new pods). */
  public static boolean cordoned(Node n) {
    return n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
  }

  private static boolean isReady(Node n) {
    return !cordoned(n) && nodeReady(n);
  }

  private static boolean nodeReady(Node n) {
    return readyCondition(n).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static String notReadyWhy(Node n) {
    return readyCondition(n)
        .map(c -> "Ready=" + c.getStatus() + (c.getReason() == null ? "" : " " + c.getReason()))
        .orElse("no Ready condition");
  }

  /** The node's Ready condition, if the kubelet reported one. */
  public static java.util.Optional<NodeCondition> readyCondition(Node n) {
    if (n.getStatus() == null || n.getStatus().getConditions() == null)
      return java.util.Optional.empty();
    return n.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst();
  }
}

package io.tributary.operator.status;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.ComputePoolStatus;
import io.tributary.operator.api.Condition;
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
    if (nodeLabels == null) return false;
    return spec.nodeSelector().entrySet().stream()
        .allMatch(e -> e.getValue().equals(nodeLabels.get(e.getKey())));
  }

  public static ComputePoolStatus of(ComputePool pool, Collection<Node> nodes, Instant now) {
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
    Integer desired = pool.getStatus() != null ? pool.getStatus().desiredNodes() : null;
    List<Condition> conditions = conditions(spec, matching, desired, gen);
    return new ComputePoolStatus(
        gen,
        Conditions.merge(
            pool.getStatus() == null ? null : pool.getStatus().conditions(), conditions, now),
        matching.size(),
        ready.size(),
        ready.size() + "/" + matching.size(),
        cpu.stripTrailingZeros().toPlainString(),
        memoryText(memory),
        acceleratorType == null ? null : accelerators,
        desired);
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
              cordoned.size() + " node(s) cordoned, taking no new workers: " + names(cordoned),
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
                notReady.size() + " of " + matching.size() + " nodes not ready: " + names(notReady),
                gen);
    return List.of(readyCondition, progressing, degraded);
  }

  /** At most five names, so a big pool's condition stays readable. */
  private static String names(List<String> names) {
    List<String> sorted = names.stream().sorted().toList();
    String shown = String.join(", ", sorted.subList(0, Math.min(5, sorted.size())));
    return sorted.size() > 5 ? shown + " and " + (sorted.size() - 5) + " more" : shown;
  }

  private static boolean cordoned(Node n) {
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

  private static java.util.Optional<NodeCondition> readyCondition(Node n) {
    if (n.getStatus() == null || n.getStatus().getConditions() == null)
      return java.util.Optional.empty();
    return n.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst();
  }

  /** Bytes as Gi (or Mi below 1 Gi), the way people read node sizes. */
  static String memoryText(BigDecimal bytes) {
    BigDecimal gi = BigDecimal.valueOf(1L << 30);
    BigDecimal mi = BigDecimal.valueOf(1L << 20);
    if (bytes.compareTo(gi) >= 0) {
      return bytes.divide(gi, 0, java.math.RoundingMode.DOWN).toPlainString() + "Gi";
    }
    return bytes.divide(mi, 0, java.math.RoundingMode.DOWN).toPlainString() + "Mi";
  }
}

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
import java.util.Collection;
import java.util.List;
import java.util.Map;

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
    Condition readyCondition =
        ready.isEmpty()
            ? Conditions.of(
                Conditions.READY,
                false,
                Reason.NoNodes,
                matching.isEmpty()
                    ? "no node matches spec.nodeSelector " + spec.nodeSelector()
                    : "none of the " + matching.size() + " matching nodes is Ready",
                gen)
            : Conditions.of(
                Conditions.READY,
                true,
                Reason.NodesReady,
                ready.size() + " of " + matching.size() + " nodes ready",
                gen);
    List<Condition> conditions =
        List.of(
            readyCondition,
            Conditions.of(Conditions.PROGRESSING, false, Reason.Stable, "pool size unchanged", gen),
            Conditions.of(
                Conditions.DEGRADED, false, Reason.NoProblems, "reconciled without errors", gen));
    Integer desired = pool.getStatus() != null ? pool.getStatus().desiredNodes() : null;
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

  private static boolean isReady(Node n) {
    if (n.getStatus() == null || n.getStatus().getConditions() == null) return false;
    if (Boolean.TRUE.equals(n.getSpec() == null ? null : n.getSpec().getUnschedulable()))
      return false;
    for (NodeCondition c : n.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) return "True".equals(c.getStatus());
    }
    return false;
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

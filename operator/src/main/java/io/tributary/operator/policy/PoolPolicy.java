package io.tributary.operator.policy;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.ComputeSpec;
import io.tributary.operator.api.Groups;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Whether a pipeline's compute needs fit the pool it names. */
public final class PoolPolicy {
  private PoolPolicy() {}

  /** Whether {@code labels} carry every label of {@code selector} (a nodeSelector's rule). */
  public static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    if (labels == null) return false;
    return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  /** The labels every node of the pool carries: its nodeSelector and its region. */
  public static Map<String, String> nodeLabels(ComputePoolSpec pool) {
    Map<String, String> labels = new TreeMap<>(pool.nodeSelector());
    labels.put(Groups.REGION_LABEL, pool.region());
    return labels;
  }

  /**
   * @param pool the named pool's spec, or null when no such pool exists
   * @return the problem, naming the field and the fix; empty when it fits
   */
  public static Optional<String> check(ComputeSpec compute, ComputePoolSpec pool) {
    if (compute == null || compute.pool() == null) {
      if (compute != null && compute.accelerator() != null) {
        return Optional.of(
            "spec.compute.accelerator needs spec.compute.pool: name a ComputePool that offers "
                + compute.accelerator().type());
      }
      return Optional.empty();
    }
    if (pool == null) {
      return Optional.of(
          "spec.compute.pool: ComputePool "
              + compute.pool()
              + " does not exist; create it or name an existing pool (kubectl get cpool)");
    }
    ComputeSpec.Accelerator want = compute.accelerator();
    if (want != null) {
      ComputePoolSpec.Accelerator has = pool.accelerator();
      if (has == null || !has.type().equals(want.type())) {
        return Optional.of(
            "spec.compute.accelerator: pool "
                + compute.pool()
                + " offers no "
                + want.type()
                + "; choose a pool whose spec.accelerator.type is "
                + want.type());
      }
      if (want.product() != null && !want.product().equals(has.product())) {
        return Optional.of(
            "spec.compute.accelerator.product: pool "
                + compute.pool()
                + " offers "
                + has.product()
                + ", not "
                + want.product()
                + "; choose a pool with "
                + want.product());
      }
      if (has.perNode() != null && want.count() > has.perNode()) {
        return Optional.of(
            "spec.compute.accelerator.count "
                + want.count()
                + " exceeds the "
                + has.perNode()
                + " per node of pool "
                + compute.pool()
                + "; lower the count or use a larger pool");
      }
    }
    return Optional.empty();
  }
}

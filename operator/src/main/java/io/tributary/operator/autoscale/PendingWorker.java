package io.tributary.operator.autoscale;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Tributary worker the scheduler could not place (PodScheduled=False, reason Unschedulable), as
 * the pool autoscaler needs it: where it may run and what it asks for.
 *
 * @param name namespace/name, for messages
 */
public record PendingWorker(String name, Placement placement, Requests requests) {

  /**
   * Where the worker may run.
   *
   * @param nodeSelector the pod's nodeSelector (the pool's, for a worker placed on a pool)
   * @param regions the regions its required node affinity admits; empty when it admits any
   */
  public record Placement(
      Map<String, String> nodeSelector, List<Toleration> tolerations, Set<String> regions) {
    public Placement {
      nodeSelector = Map.copyOf(nodeSelector);
      tolerations = List.copyOf(tolerations);
      regions = Set.copyOf(regions);
    }
  }

  /**
   * A pod toleration, with Kubernetes' matching rules.
   *
   * @param key null or empty with operator Exists tolerates every taint
   * @param operator Exists or Equal (Equal when null)
   * @param effect null tolerates every effect
   */
  public record Toleration(String key, String operator, String value, String effect) {
    /** Whether this toleration lets a pod onto a node with taint key=value:effect. */
    public boolean tolerates(String taintKey, String taintValue, String taintEffect) {
      if (effect != null && !effect.isEmpty() && !effect.equals(taintEffect)) return false;
      boolean exists = "Exists".equals(operator);
      if (key == null || key.isEmpty()) return exists;
      if (!key.equals(taintKey)) return false;
      return exists || nullToEmpty(value).equals(nullToEmpty(taintValue));
    }

    private static String nullToEmpty(String s) {
      return s == null ? "" : s;
    }
  }
}

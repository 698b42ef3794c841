package io.tributary.operator.autoscale;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.ComputeSpec;
import io.tributary.operator.policy.PoolPolicy;
import io.tributary.operator.policy.ResidencyPolicy;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Which pool a pending worker waits for: the pool whose nodes it could run on if there were room.
 * The same rules the scheduler applies to a node of the pool (nodeSelector, taints), the residency
 * rule (never a pool of another region) and the accelerator rule (never CPU work onto an
 * accelerator pool, never accelerator work onto a pool without that accelerator).
 */
public final class PoolTargeting {
  private PoolTargeting() {}

  /**
   * The one pool a worker counts as demand for: the first by name that it targets, so two pools
   * whose nodes would both suit it never both grow for it.
   */
  public static Optional<String> owner(
      PendingWorker worker, SortedMap<String, ComputePoolSpec> pools) {
    return pools.entrySet().stream()
        .filter(e -> targets(worker, e.getKey(), e.getValue()))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /** Whether a node of {@code pool} (by its template) would take {@code worker} if it had room. */
  public static boolean targets(PendingWorker worker, String poolName, ComputePoolSpec pool) {
    PendingWorker.Placement p = worker.placement();
    // A worker without a nodeSelector names no pool: the scheduler may put it anywhere, and no
    // single pool is the one to grow for it.
    if (p.nodeSelector().isEmpty()) return false;
    if (!PoolPolicy.selects(p.nodeSelector(), PoolPolicy.nodeLabels(pool))) return false;
    if (!toleratesTaints(p, pool)) return false;
    if (!p.regions().isEmpty()
        && p.regions().stream()
            .noneMatch(r -> ResidencyPolicy.poolAllowed(Optional.of(r), pool.region()))) {
      return false;
    }
    return acceleratorFits(worker.requests(), poolName, pool);
  }

  /** Every taint that keeps pods off (NoSchedule, NoExecute) is tolerated. */
  private static boolean toleratesTaints(PendingWorker.Placement p, ComputePoolSpec pool) {
    if (pool.taints() == null) return true;
    return pool.taints().stream()
        .filter(t -> t.effect() != ComputePoolSpec.Taint.Effect.PREFER_NO_SCHEDULE)
        .allMatch(
            t ->
                p.tolerations().stream()
                    .anyMatch(tol -> tol.tolerates(t.key(), t.value(), t.effect().wireName())));
  }

  /**
   * A CPU pool takes workers that ask for no accelerator; an accelerator pool only workers that ask
   * for its accelerator and nothing else extended, checked by the same rule that admits a
   * pipeline's compute.accelerator onto a pool.
   */
  private static boolean acceleratorFits(Requests r, String poolName, ComputePoolSpec pool) {
    if (pool.accelerator() == null) return r.extended().isEmpty();
    String type = pool.accelerator().type();
    long count = r.extended(type);
    if (count <= 0 || r.extended().size() != 1) return false;
    var want = new ComputeSpec.Accelerator(type, (int) Math.min(count, Integer.MAX_VALUE), null);
    return PoolPolicy.check(ComputeSpec.inPool(poolName).withAccelerator(want), pool).isEmpty();
  }
}

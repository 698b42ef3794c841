package io.tributary.operator.autoscale;

import io.tributary.operator.reconcile.ComputePoolReconciler;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link PoolAutoscaler} driven as the ComputePool reconciler drives it, on one {@link PoolWorld},
 * for {@code AutoscalingBenchmark}. The reconciler has no poll: its informers on Tributary worker
 * pods and on nodes reconcile the pools a change concerns (a worker turning unschedulable, one
 * bound or gone, a node registering, turning Ready, cordoned or removed), and each reconcile
 * reschedules the pool after {@code min(decision.recheckAfter, RESYNC)} ({@link
 * ComputePoolReconciler#RESYNC}, 1 minute), replacing the previous timer. Here a reconcile runs at
 * every tick at which what the informers show of the pool changed, or the timer is due; its own
 * cordons are node changes, so it runs again at once until nothing changes. Not modelled: the watch
 * latency and the reconcile's own time (milliseconds).
 */
final class ComputePoolLoop {
  private final PoolWorld world;
  private String seen;
  private Instant timer;

  /** Reconciles run. */
  int reconciles;

  ComputePoolLoop(PoolWorld world) {
    this.world = world;
  }

  /** Called at every tick, after the world moved. */
  void tick() {
    String before = fingerprint();
    if (before.equals(seen) && timer != null && world.now.isBefore(timer)) return;
    for (int i = 0; i < 5; i++) {
      PoolAutoscaler.Decision d = world.decide();
      reconciles++;
      Duration next =
          d.recheckAfter()
              .filter(r -> r.compareTo(ComputePoolReconciler.RESYNC) < 0)
              .orElse(ComputePoolReconciler.RESYNC);
      timer = world.now.plus(next);
      String after = fingerprint();
      seen = after;
      if (after.equals(before)) break;
      before = after;
    }
  }

  /** What the informers show of the pool: its nodes and its workers' bindings. */
  private String fingerprint() {
    StringBuilder b = new StringBuilder();
    for (PoolWorld.Node n : world.nodes) {
      PoolNode v = world.view(n);
      b.append(n.name).append(v.readySince().isPresent()).append(n.cordon).append(';');
    }
    b.append('|');
    for (PoolWorld.Worker w : world.workers) {
      b.append(w.name).append('@').append(w.node == null ? "-" : w.node.name).append(';');
    }
    return b.toString();
  }
}

package io.tributary.operator.autoscale;

import java.time.Instant;
import java.util.Optional;

/**
 * One node of a pool, as the pool autoscaler needs it.
 *
 * @param created when the node registered
 * @param readySince when its Ready condition last turned True; empty while it is not Ready
 * @param workers Tributary workers bound to it that have not finished
 * @param used what those workers request
 */
public record PoolNode(
    String name,
    Instant created,
    Optional<Instant> readySince,
    Cordon cordon,
    int workers,
    Requests used) {

  /** Whether the node takes new pods, and who decided it does not. */
  public enum Cordon {
    /** Schedulable. */
    NONE,
    /** Cordoned by someone else (a drain, a repair): the autoscaler leaves it alone. */
    OTHER,
    /**
     * Cordoned by the autoscaler because it was idle for scaleDownDelay; the scale target has not
     * been asked to drop it yet, so pending workers may still reclaim it.
     */
    LEAVING,
    /** The scale target was asked to drop it: it is on its way out and takes nothing. */
    REMOVING
  }
}

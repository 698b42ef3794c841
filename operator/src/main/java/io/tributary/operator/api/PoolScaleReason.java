package io.tributary.operator.api;

/** Why the pool autoscaler last changed a pool (status.lastDecision.reason). */
public enum PoolScaleReason {
  /** Workers waited for room the pool's nodes did not have: the scale target was raised. */
  PendingWorkers,
  /** The scale target asked for fewer nodes than spec.minNodes: it was raised to minNodes. */
  BelowMinNodes,
  /** Nodes held no Tributary worker for scaleDownDelay: they were cordoned before removal. */
  IdleNodes,
  /** Cordoned idle nodes still held no worker: the scale target was lowered to drop them. */
  RemovingIdleNodes,
  /**
   * Cordoned idle nodes were uncordoned and kept: waiting workers fit them, a worker landed on one,
   * or more nodes were already on their way.
   */
  NodesNeededAgain
}

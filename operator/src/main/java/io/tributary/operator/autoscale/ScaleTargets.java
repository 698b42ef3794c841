package io.tributary.operator.autoscale;

import io.tributary.operator.api.ComputePoolSpec.ScaleTargetRef;

/**
 * The node count of a pool's scale target, read and set through its /scale subresource, so any
 * resource that has one works (a Cluster API MachineDeployment, a cloud's node-group resource). The
 * Kubernetes implementation is in the reconcile package.
 */
public interface ScaleTargets {
  /**
   * A problem a retry will not fix: the target does not exist, has no /scale subresource, or the
   * operator may not use it. The message names the target and the fix.
   */
  final class Unavailable extends Exception {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The target's spec.replicas.
   *
   * @throws Unavailable when a retry will not help; other failures throw unchecked exceptions
   */
  int replicas(ScaleTargetRef ref) throws Unavailable;

  /** Sets the target's spec.replicas. */
  void setReplicas(ScaleTargetRef ref, int replicas) throws Unavailable;

  /** "MachineDeployment capi/gpu-a100", for messages. */
  static String describe(ScaleTargetRef ref) {
    return ref.kind() + " " + ref.namespace() + "/" + ref.name();
  }
}

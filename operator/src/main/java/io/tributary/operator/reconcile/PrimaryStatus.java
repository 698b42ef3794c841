package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.function.UnaryOperator;

/**
 * Writes a primary's status once, as intent, and caches the result. JOSDK does not cache a status
 * patch returned through UpdateControl, so the reconcile that a child's event triggers right after
 * could see the status from before it: a DataPipeline would announce a run twice, a halted
 * StreamJob would forget it halted and start its workers again. Server-side apply sends a fresh
 * object with only name, namespace and status; the mock server in tests cannot apply, so there a
 * JSON patch from the observed object is used.
 */
final class PrimaryStatus {
  private PrimaryStatus() {}

  /**
   * @param fresh a new object holding only the name, namespace and the new status
   * @param setStatus puts the new status on the observed object (the JSON-patch path)
   */
  static <P extends HasMetadata> void write(
      P observed, P fresh, UnaryOperator<P> setStatus, Context<P> context) {
    boolean ssa =
        context
            .getControllerConfiguration()
            .getConfigurationService()
            .useSSAToPatchPrimaryResource();
    if (ssa) {
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(observed, fresh, context);
    } else {
      PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(observed, context, setStatus);
    }
  }
}

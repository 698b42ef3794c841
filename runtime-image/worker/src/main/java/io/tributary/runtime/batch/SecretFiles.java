package io.tributary.runtime.batch;

import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.Secrets;

/**
 * The batch engine's view of {@link Secrets}: a missing file is an invalid plan (exit 78) whose
 * message names the plan field that references it.
 */
public final class SecretFiles {
  private final Secrets secrets;

  public SecretFiles(Secrets secrets) {
    this.secrets = secrets;
  }

  public static SecretFiles of(WorkerPlan plan) {
    return new SecretFiles(Secrets.fromPlan(plan));
  }

  public Secrets secrets() {
    return secrets;
  }

  /** The value, without a trailing newline; null when {@code ref} is null. */
  public String read(SecretKeyRef ref, String field) {
    if (ref == null) {
      return null;
    }
    try {
      return secrets.readString(ref);
    } catch (IllegalArgumentException e) {
      throw RunFailure.invalidPlan(field + ": " + e.getMessage());
    }
  }
}

package io.tributary.runtime.batch;

import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.plan.WorkerPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads secret values from the files the operator mounts: {@code <secretsDir>/<name>/<key>}. */
public final class SecretFiles {
  private final Path dir;

  public SecretFiles(Path dir) {
    this.dir = dir;
  }

  public static SecretFiles of(WorkerPlan plan) {
    return new SecretFiles(
        Path.of(plan.secretsDir() != null ? plan.secretsDir() : WorkerPlan.SECRETS_DIR));
  }

  /** The value, without a trailing newline; null when {@code ref} is null. */
  public String read(SecretKeyRef ref, String field) {
    if (ref == null) {
      return null;
    }
    Path file = dir.resolve(ref.name()).resolve(ref.key());
    try {
      return Files.readString(file).stripTrailing();
    } catch (IOException e) {
      throw RunFailure.invalidPlan(
          field
              + ": secret file "
              + file
              + " is not readable; create Secret "
              + ref.name()
              + " with key "
              + ref.key()
              + " in the pipeline's namespace");
    }
  }
}

package io.tributary.runtime;

import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.plan.SecretText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads mounted Secret keys: {@code <secretsDir>/<secret name>/<key>}. Values are never logged;
 * errors name the file and the reference, never the content.
 */
public final class Secrets {
  private final Path dir;

  private Secrets(Path dir) {
    this.dir = dir;
  }

  public static Secrets fromDir(Path dir) {
    return new Secrets(dir);
  }

  /** The plan's secrets directory, {@value WorkerPlan#SECRETS_DIR} when the plan leaves it out. */
  public static Secrets fromPlan(WorkerPlan plan) {
    return new Secrets(
        Path.of(plan.secretsDir() != null ? plan.secretsDir() : WorkerPlan.SECRETS_DIR));
  }

  public Path pathOf(SecretKeyRef ref) {
    return dir.resolve(ref.name()).resolve(ref.key());
  }

  /**
   * The raw bytes of the key.
   *
   * @throws IllegalArgumentException naming the missing file and the Secret to mount
   */
  public byte[] readBytes(SecretKeyRef ref) {
    Path file = pathOf(ref);
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(
          "secret file "
              + file
              + " is missing or unreadable: mount key '"
              + ref.key()
              + "' of Secret '"
              + ref.name()
              + "'");
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length == 0) {
        throw new IllegalArgumentException(
            "secret file "
                + file
                + " is empty: key '"
                + ref.key()
                + "' of Secret '"
                + ref.name()
                + "' needs a value");
      }
      return bytes;
    } catch (IOException e) {
      throw new IllegalArgumentException("secret file " + file + " cannot be read: " + e, e);
    }
  }

  /** The key as UTF-8 text without a trailing newline (editors and echo add one). */
  public String readString(SecretKeyRef ref) {
    return SecretText.of(readBytes(ref));
  }
}

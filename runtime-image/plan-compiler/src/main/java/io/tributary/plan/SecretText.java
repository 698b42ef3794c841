package io.tributary.plan;

import java.nio.charset.StandardCharsets;

/**
 * How a Secret key's bytes become a text setting (a JAAS line, a user name), the same whether the
 * worker reads the mounted file or the operator reads the Secret through the API.
 */
public final class SecretText {
  private SecretText() {}

  /** UTF-8, without the trailing newline editors and {@code echo} add. */
  public static String of(byte[] value) {
    String s = new String(value, StandardCharsets.UTF_8);
    return s.endsWith("\n") ? s.stripTrailing() : s;
  }
}

package io.tributary.runtime.batch.sink;

/**
 * Crash points for the crash-and-retry tests, off unless a system property names a count: the
 * process halts at once (no finally blocks, no shutdown hooks), exactly as a killed pod would.
 */
public final class TestHooks {
  private TestHooks() {}

  public static void maybeHalt(String property, long count) {
    String at = System.getProperty(property);
    if (at != null && Long.parseLong(at) == count) {
      Runtime.getRuntime().halt(137);
    }
  }
}

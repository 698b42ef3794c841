package io.tributary.runtime.batch.sink;

/**
 * Crash points for the crash-and-retry tests, off unless a system property names a count: the
 * process halts at once (no finally blocks, no shutdown hooks), exactly as a killed pod would. The
 * properties are read once, at start-up: the check runs for every record.
 */
public final class TestHooks {
  public static final String HALT_AFTER_RECORDS = "tributary.test.haltAfterRecords";
  public static final String HALT_AFTER_PUBLISHED_FILES = "tributary.test.haltAfterPublishedFiles";
  private static final long AFTER_RECORDS = Long.getLong(HALT_AFTER_RECORDS, -1);
  private static final long AFTER_PUBLISHED_FILES = Long.getLong(HALT_AFTER_PUBLISHED_FILES, -1);

  private TestHooks() {}

  /** Halts once {@code records} reaches the {@value #HALT_AFTER_RECORDS} property. */
  public static void afterRecords(long records) {
    if (AFTER_RECORDS >= 0 && records >= AFTER_RECORDS) {
      Runtime.getRuntime().halt(137);
    }
  }

  /** Halts when {@code files} reaches the {@value #HALT_AFTER_PUBLISHED_FILES} property. */
  static void afterPublishedFiles(long files) {
    if (files == AFTER_PUBLISHED_FILES) {
      Runtime.getRuntime().halt(137);
    }
  }
}

package io.tributary.runtime.batch;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a progress line every N records or every interval, whichever comes first. */
final class Progress {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
  static final long EVERY_RECORDS = 1_000_000;

  private final long intervalNanos;
  private final long startNanos = System.nanoTime();
  private long lastNanos = startNanos;
  private long nextRecords = EVERY_RECORDS;
  private long lastChecked;

  Progress(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** Cheap enough to call per record: reads the clock only every 1024 records. */
  void tick(long read, long written, long rejected) {
    if (read - lastChecked < 1024 && read < nextRecords) {
      return;
    }
    lastChecked = read;
    long now = System.nanoTime();
    if (read >= nextRecords || now - lastNanos >= intervalNanos) {
      double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
      LOG.info(
          "progress: read={} written={} rejected={} rate={}/s",
          read,
          written,
          rejected,
          Math.round(read / seconds));
      lastNanos = now;
      nextRecords = read + EVERY_RECORDS;
    }
  }
}

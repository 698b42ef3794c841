package io.tributary.runtime.batch.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits bytes at line feeds without decoding them, so a line with invalid UTF-8 is one bad line
 * (decoding is the record reader's job) and the next line is read as usual. A line longer than the
 * limit is cut there and the rest of it skipped, so one huge line cannot exhaust the heap.
 */
final class LineReader {
  private final InputStream in;
  private final int maxBytes;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private boolean overlong;

  LineReader(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** The next line without its line feed (and carriage return), or null at the end. */
  byte[] next() throws IOException {
    line.reset();
    overlong = false;
    int b;
    boolean any = false;
    while ((b = in.read()) >= 0) {
      any = true;
      if (b == '\n') {
        break;
      }
      if (line.size() < maxBytes) {
        line.write(b);
      } else {
        overlong = true;
      }
    }
    if (!any) {
      return null;
    }
    byte[] bytes = line.toByteArray();
    int end = bytes.length;
    if (end > 0 && bytes[end - 1] == '\r' && !overlong) {
      return java.util.Arrays.copyOf(bytes, end - 1);
    }
    return bytes;
  }

  /** Whether the last line was longer than the limit (and was cut). */
  boolean overlong() {
    return overlong;
  }
}

package io.tributary.runtime.batch.source;

import java.util.ArrayList;
import java.util.List;

/** Splits [min, max] into at most n contiguous ranges for parallel reads. Pure. */
final class JdbcRanges {
  private JdbcRanges() {}

  /**
   * A range [lo, hi), except the last, which includes max.
   *
   * @param last true for the range that includes max
   */
  record Range(long lo, long hi, boolean last) {}

  static List<Range> split(long min, long max, int n) {
    if (max < min) {
      throw new IllegalArgumentException("max " + max + " < min " + min);
    }
    // Widths in BigInteger-free arithmetic: the span may exceed Long.MAX_VALUE for time columns.
    double span = (double) max - (double) min + 1;
    int parts = (int) Math.max(1, Math.min(n, span));
    List<Range> out = new ArrayList<>(parts);
    long lo = min;
    for (int i = 1; i <= parts; i++) {
      if (i == parts) {
        out.add(new Range(lo, max, true));
      } else {
        long hi = min + (long) Math.floor(span * i / parts);
        out.add(new Range(lo, hi, false));
        lo = hi;
      }
    }
    return out;
  }
}

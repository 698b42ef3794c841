package io.tributary.runtime.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

/** Synthetic payment events of about 300 bytes, deterministic per index. */
final class BenchRecords {
  private static final String[] CATEGORIES = {
    "groceries", "fuel", "travel", "electronics", "dining"
  };
  private static final String PAD = "x".repeat(64);

  private BenchRecords() {}

  static byte[] value(long i) {
    SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L);
    double amount = Math.round(r.nextDouble(0.01, 100.0) * 100) / 100.0 + 0.001;
    String json =
        String.format(
            Locale.ROOT,
            "{\"id\":%d,\"user\":\"user-%06d\",\"email\":\"user%06d@example.com\",\"amount\":%.3f,"
                + "\"currency\":\"AED\",\"country\":\"AE\",\"merchant\":\"merchant-%04d\","
                + "\"category\":\"%s\",\"ts\":\"2024-05-01T10:%02d:%02dZ\",\"ip\":\"10.%d.%d.%d\","
                + "\"device\":\"android-14-pixel-8\",\"note\":\"%s\"}",
            i,
            r.nextInt(1_000_000),
            r.nextInt(1_000_000),
            amount,
            r.nextInt(10_000),
            CATEGORIES[r.nextInt(CATEGORIES.length)],
            r.nextInt(60),
            r.nextInt(60),
            r.nextInt(256),
            r.nextInt(256),
            r.nextInt(256),
            PAD);
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] key(long i) {
    return ("k" + i).getBytes(StandardCharsets.UTF_8);
  }
}

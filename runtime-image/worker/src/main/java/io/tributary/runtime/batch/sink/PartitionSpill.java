package io.tributary.runtime.batch.sink;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Records of partitions that found no open file, kept on disk until the open files are done: lines
 * of {@code <partition path> TAB <record JSON>} in {@value #BUCKETS} bucket files, split by a hash
 * of the partition that differs per level. A bucket holds every record of its partitions, so
 * writing one bucket at a time finishes each of its partitions in one file; a bucket with more
 * partitions than may be open is split again, one level down.
 */
final class PartitionSpill {
  static final int BUCKETS = 16;

  /** One spilled record. Partition paths are Hive-escaped, so they hold no TAB or line feed. */
  record Line(String partition, String json) {}

  private final Path dir;
  private final int level;
  private final OutputStream[] out = new OutputStream[BUCKETS];
  private long records;

  PartitionSpill(Path dir, int level) {
    this.dir = dir;
    this.level = level;
  }

  void add(String partition, byte[] json) throws IOException {
    int b = bucket(partition, level);
    if (out[b] == null) {
      Files.createDirectories(dir);
      out[b] = new BufferedOutputStream(Files.newOutputStream(file(b)), 1 << 16);
    }
    out[b].write(partition.getBytes(StandardCharsets.UTF_8));
    out[b].write('\t');
    out[b].write(json);
    out[b].write('\n');
    records++;
  }

  long records() {
    return records;
  }

  int level() {
    return level;
  }

  /** Closes the bucket files and returns those holding records. */
  List<Path> finish() throws IOException {
    List<Path> files = new ArrayList<>();
    for (int b = 0; b < BUCKETS; b++) {
      if (out[b] != null) {
        out[b].close();
        out[b] = null;
        files.add(file(b));
      }
    }
    return files;
  }

  /** Reads a bucket file back, in the order it was written. */
  static void read(Path bucket, LineHandler handler) throws Exception {
    try (BufferedReader r = Files.newBufferedReader(bucket, StandardCharsets.UTF_8)) {
      String s;
      while ((s = r.readLine()) != null) {
        int tab = s.indexOf('\t');
        handler.accept(new Line(s.substring(0, tab), s.substring(tab + 1)));
      }
    }
  }

  @FunctionalInterface
  interface LineHandler {
    void accept(Line line) throws Exception;
  }

  private Path file(int b) {
    return dir.resolve("level-" + level + "-bucket-" + b + ".spill");
  }

  /** A well-mixed hash of the partition, different per level (murmur3's finalizer). */
  static int bucket(String partition, int level) {
    int h = partition.hashCode() + level * 0x9E3779B9;
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    h ^= h >>> 16;
    return Math.floorMod(h, BUCKETS);
  }
}

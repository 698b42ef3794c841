package io.tributary.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partitionBy with 100,000 distinct values in a 256 MiB heap: the lake keeps at most
 * sink.lake.maxOpenFiles partition files open and spills the rest, instead of one open Parquet
 * writer per partition until the heap runs out (on every retry alike).
 */
class LakeManyPartitionsIT {
  static final int PARTITIONS = 100_000;
  @TempDir Path dir;

  @Test
  void aHundredThousandPartitionsAreWrittenInA256MiBHeap() throws Exception {
    Path in = dir.resolve("in/events.jsonl");
    Files.createDirectories(in.getParent());
    try (BufferedWriter w = Files.newBufferedWriter(in)) {
      for (int i = 0; i < PARTITIONS; i++) {
        w.write(
            "{\"id\":" + i + ",\"user\":\"u" + i + "\",\"amount\":" + i * 0.5 + ",\"ok\":true}\n");
      }
    }
    BatchPlans p = new BatchPlans();
    p.source = BatchPlans.files(in, FileFormat.JSONL);
    Path out = dir.resolve("lake/events");
    p.sink = BatchPlans.lake(out, FileFormat.PARQUET, "user");

    Process worker = RunPlanInChildJvm.start(p, dir, "-Xmx256m");
    assertThat(worker.waitFor(20, TimeUnit.MINUTES)).isTrue();

    RunSummary s = PlanJson.readSummary(Files.readString(dir.resolve("termination-child")));
    assertThat(worker.exitValue()).as(s.toString()).isEqualTo(ExitCodes.OK);
    assertThat(s.recordsWritten()).isEqualTo(PARTITIONS);
    try (Stream<Path> partitions = Files.list(out)) {
      assertThat(partitions.filter(d -> d.getFileName().toString().startsWith("user=")))
          .hasSize(PARTITIONS);
    }
    Path one = out.resolve("user=u4242");
    try (Stream<Path> files = Files.list(one)) {
      Path file = files.findFirst().orElseThrow();
      java.util.List<com.fasterxml.jackson.databind.node.ObjectNode> rows =
          new java.util.ArrayList<>();
      io.tributary.runtime.batch.source.ParquetRecords.read(file, rows::add);
      assertThat(rows)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.get("id").asLong()).isEqualTo(4242);
                assertThat(r.get("amount").asDouble()).isEqualTo(2121.0);
              });
    }
  }
}

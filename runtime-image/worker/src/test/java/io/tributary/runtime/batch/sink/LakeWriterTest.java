package io.tributary.runtime.batch.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.runtime.batch.source.ParquetRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static ObjectNode rec(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  private static RunSummary summary() {
    return RunSummary.succeeded("r1", 3, 3, 0, 1, List.of());
  }

  @Test
  void parquetPartitionsAreInvisibleUntilCommitAndReadBack() throws Exception {
    Path ds = dir.resolve("events");
    LakeWriter w =
        new LakeWriter(
            new LakeSink(ds.toString(), FileFormat.PARQUET, List.of("country"))
                .withMaxOpenFiles(64),
            null,
            "r1");
    assertThat(w.begin()).isEmpty();
    w.write(rec("{\"id\":1,\"country\":\"AE\",\"amount\":1.5,\"ok\":true}"));
    w.write(rec("{\"id\":2,\"country\":\"SA\",\"amount\":2,\"ok\":false}"));
    w.write(rec("{\"id\":3,\"country\":\"AE\",\"amount\":null,\"note\":\"x\"}"));
    assertThat(visibleDataFiles(ds)).isEmpty();

    w.commit(summary());

    List<Path> files = visibleDataFiles(ds);
    assertThat(files).hasSize(2);
    assertThat(ds.resolve("_SUCCESS")).exists();
    assertThat(ds.resolve("_staging/r1")).doesNotExist();
    List<ObjectNode> ae = new ArrayList<>();
    ParquetRecords.read(
        files.stream().filter(p -> p.toString().contains("country=AE")).findFirst().orElseThrow(),
        ae::add);
    assertThat(ae).extracting(r -> r.get("id").asLong()).containsExactly(1L, 3L);
    assertThat(ae.get(0).get("amount").asDouble()).isEqualTo(1.5);
    assertThat(ae.get(1).get("note").asText()).isEqualTo("x");
    assertThat(ae.get(0).has("country")).isFalse();
  }

  @Test
  void aRetryOfACommittedRunReturnsItsSummaryAndWritesNothing() throws Exception {
    Path ds = dir.resolve("d");
    LakeSink spec = new LakeSink(ds.toString(), FileFormat.JSONL, null).withMaxOpenFiles(64);
    LakeWriter first = new LakeWriter(spec, null, "r1");
    first.begin();
    first.write(rec("{\"id\":1}"));
    first.commit(summary());

    LakeWriter retry = new LakeWriter(spec, null, "r1");
    assertThat(retry.begin()).contains(summary());
    assertThat(visibleDataFiles(ds)).hasSize(1);
  }

  @Test
  void pastMaxOpenFilesRecordsAreSpilledAndEveryPartitionStillGetsOneFile() throws Exception {
    for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.JSONL)) {
      Path ds = dir.resolve("spill-" + format);
      LakeWriter w =
          new LakeWriter(
              new LakeSink(ds.toString(), format, List.of("k")).withMaxOpenFiles(2), null, "r1");
      w.begin();
      // 300 partitions, records interleaved: 298 of them do not fit the 2 open files and go
      // through more than one level of spill buckets.
      for (int round = 0; round < 3; round++) {
        for (int k = 0; k < 300; k++) {
          w.write(rec("{\"id\":" + (round * 1000 + k) + ",\"k\":\"p" + k + "\",\"x\":0.1}"));
        }
      }
      w.commit(summary());

      List<Path> files = visibleDataFiles(ds);
      assertThat(files).as(format.name()).hasSize(300);
      assertThat(files.stream().map(Path::getParent).distinct()).hasSize(300);
      List<Long> ids = new ArrayList<>();
      for (Path f : files) {
        String k = f.getParent().getFileName().toString().substring(2);
        List<ObjectNode> rows = new ArrayList<>();
        if (format == FileFormat.PARQUET) {
          ParquetRecords.read(f, rows::add);
        } else {
          for (String line : Files.readAllLines(f)) rows.add(rec(line));
        }
        assertThat(rows).hasSize(3);
        for (ObjectNode r : rows) {
          assertThat(r.get("id").asLong() % 1000).isEqualTo(Long.parseLong(k.substring(1)));
          assertThat(r.get("x").asDouble()).isEqualTo(0.1);
          ids.add(r.get("id").asLong());
        }
      }
      assertThat(ids).hasSize(900).doesNotHaveDuplicates();
      assertThat(ds.resolve("_staging")).isEmptyDirectory();
    }
  }

  @Test
  void partitionValuesAreEscapedLikeHive() {
    assertThat(LakeWriter.escape("a/b=c")).isEqualTo("a%2Fb%3Dc");
    assertThat(LakeWriter.escape("2026-11-25")).isEqualTo("2026-11-25");
  }

  static List<Path> visibleDataFiles(Path ds) throws Exception {
    if (!Files.exists(ds)) return List.of();
    try (Stream<Path> s = Files.walk(ds)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !ds.relativize(p).toString().startsWith("_"))
          .sorted()
          .toList();
    }
  }
}

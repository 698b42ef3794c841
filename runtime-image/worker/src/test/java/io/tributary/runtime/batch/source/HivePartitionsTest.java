package io.tributary.runtime.batch.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.runtime.batch.RecordSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files source reads Hive-style partition directories back as typed fields. */
class HivePartitionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void partitionDirectoriesBecomeFieldsTypedPerTheSchemaAndTheFileWins() throws Exception {
    Path a = dir.resolve("ds/country=AE/day=2026-11-20/n=3/part.jsonl");
    Path b = dir.resolve("ds/country=__HIVE_DEFAULT_PARTITION__/day=2026-11-21/n=4/part.jsonl");
    Path c = dir.resolve("ds/country=S%2FA/day=2026-11-22/n=5/part.jsonl");
    for (Path p : List.of(a, b, c)) Files.createDirectories(p.getParent());
    Files.writeString(a, "{\"id\":1}\n");
    Files.writeString(b, "{\"id\":2}\n");
    Files.writeString(c, "{\"id\":3,\"n\":99}\n");
    SchemaSpec schema =
        new SchemaSpec(
            List.of(
                SchemaSpec.Field.of("id", SchemaSpec.Type.INTEGER),
                SchemaSpec.Field.of("n", SchemaSpec.Type.INTEGER),
                SchemaSpec.Field.of("day", SchemaSpec.Type.TIMESTAMP)),
            null);
    FilesReader r =
        new FilesReader(
            new FilesSource(dir.resolve("ds") + "/**/*.jsonl", FileFormat.JSONL, null), schema);

    List<String> read = new ArrayList<>();
    r.read(
        new RecordSource.Handler() {
          @Override
          public void accept(ObjectNode record) {
            read.add(record.toString());
          }

          @Override
          public void reject(String reason, String raw) {
            read.add("rejected: " + reason);
          }
        });

    assertThat(read)
        .containsExactly(
            "{\"id\":1,\"country\":\"AE\",\"day\":\"2026-11-20\",\"n\":3}",
            "{\"id\":3,\"n\":99,\"country\":\"S/A\",\"day\":\"2026-11-22\"}",
            "{\"id\":2,\"country\":null,\"day\":\"2026-11-21\",\"n\":4}");
  }

  @Test
  void theFixedPartOfAPathIsWhatPartitionsAreRelativeTo() {
    assertThat(FilesReader.base("/lake/ds/**/*.parquet")).isEqualTo(Path.of("/lake/ds"));
    assertThat(FilesReader.base("/lake/ds/part-*.parquet")).isEqualTo(Path.of("/lake/ds"));
    assertThat(FilesReader.baseKey("curated/customer_features/**/*.parquet"))
        .isEqualTo("curated/customer_features");
    assertThat(FilesReader.baseKey("curated/customer_features/"))
        .isEqualTo("curated/customer_features");
    assertThat(FilesReader.baseKey("curated/x=1/part.parquet"))
        .isEqualTo("curated/x=1/part.parquet");
    assertThat(FilesReader.unescape("a%3Ab%25c%zz")).isEqualTo("a:b%c%zz");
    assertThat(FilesReader.unescape("%C3%A9t%C3%A9")).isEqualTo("été");
  }
}

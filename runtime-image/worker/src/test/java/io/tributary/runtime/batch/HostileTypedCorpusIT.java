package io.tributary.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.source.JdbcSource;
import io.tributary.runtime.testing.CorpusAssertions;
import io.tributary.runtime.testing.HostileCorpus;
import io.tributary.runtime.testing.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus cases JSON text cannot hold (NaN, ±Infinity, infinite timestamps; {@code only:
 * "typed"}), read from typed sources: a PostgreSQL column of each type the case lists, read by the
 * jdbc source, and a Parquet DOUBLE or FLOAT column, read by the files source. One run per case and
 * type, through the corpus's transforms, each with the outcome the case expects — the verdict its
 * JSON twin gets ({@code amount-1e400}, {@code amount-1e308-scaled-past-double}).
 */
class HostileTypedCorpusIT {
  @TempDir Path dir;

  @Test
  void everyTypedValueIsWrittenOrDeadLetteredAsItsJsonTwinIs() throws Exception {
    Path secrets = dir.resolve("secrets");
    HostileCorpus.writeSecret(secrets);
    Postgres.writeSecrets(secrets);
    String url = Postgres.shared().newDatabase();
    List<HostileCorpus.Case> cases = HostileCorpus.typed();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(8);
    List<String> mismatches = new ArrayList<>();
    int runs = 0;
    for (HostileCorpus.Case c : cases) {
      JsonNode record = BatchPlans.JSON.readTree(c.value());
      for (JsonNode as : c.typed().get("as")) {
        String type = as.asText();
        String name = c.name() + "/" + type.replace(' ', '-');
        Path runDir = Files.createDirectories(dir.resolve("runs").resolve(name));
        BatchPlans p = HostileCorpusBatchTest.corpusPlan(runDir, secrets);
        if (type.startsWith("parquet ")) {
          Path file = runDir.resolve("in.parquet");
          writeParquet(file, record, c.typed(), type.substring("parquet ".length()));
          p.source = BatchPlans.files(file, FileFormat.PARQUET);
        } else {
          String table = "t" + runs;
          createTable(url, table, record, c.typed(), type);
          p.source =
              SourceSpec.of(
                  JdbcSource.table(url, table).withUserSecretRef(new SecretKeyRef("db", "user")));
        }
        runs++;
        BatchPlans.Outcome o = p.run(runDir);
        if (o.exitCode() != ExitCodes.OK) {
          mismatches.add(name + ": the run ended " + o.exitCode() + ": " + o.summary().message());
          continue;
        }
        for (String m : CorpusAssertions.mismatches(c, HostileCorpusBatchTest.seen(runDir))) {
          mismatches.add(type + ": " + m);
        }
      }
    }
    assertThat(runs).isGreaterThanOrEqualTo(25);
    assertThat(mismatches).isEmpty();
  }

  /** A table of the record's fields, the typed one in {@code type}, holding the one row. */
  private static void createTable(
      String url, String table, JsonNode record, JsonNode typed, String type) throws Exception {
    List<String> columns = new ArrayList<>();
    List<String> values = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = record.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      boolean isTyped = f.getKey().equals(typed.get("field").asText());
      String sqlType =
          isTyped
              ? type
              : f.getValue().isIntegralNumber()
                  ? "bigint"
                  : f.getValue().isNumber() ? "float8" : "text";
      columns.add(f.getKey() + " " + sqlType);
      values.add("CAST(? AS " + sqlType + ")");
    }
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (" + String.join(", ", columns) + ")");
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO " + table + " VALUES (" + String.join(", ", values) + ")")) {
        int i = 1;
        for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          boolean isTyped = f.getKey().equals(typed.get("field").asText());
          insert.setString(i++, isTyped ? typed.get("text").asText() : f.getValue().asText());
        }
        insert.executeUpdate();
      }
    }
  }

  /** A Parquet file of the one record, the typed field a DOUBLE or FLOAT column. */
  private static void writeParquet(Path file, JsonNode record, JsonNode typed, String type)
      throws Exception {
    String typedField = typed.get("field").asText();
    Types.MessageTypeBuilder b = Types.buildMessage();
    Iterator<Map.Entry<String, JsonNode>> fields = record.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode v = f.getValue();
      if (f.getKey().equals(typedField)) {
        b.optional(type.equals("float") ? PrimitiveTypeName.FLOAT : PrimitiveTypeName.DOUBLE)
            .named(f.getKey());
      } else if (v.isIntegralNumber()) {
        b.optional(PrimitiveTypeName.INT64).named(f.getKey());
      } else if (v.isNumber()) {
        b.optional(PrimitiveTypeName.DOUBLE).named(f.getKey());
      } else {
        b.optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named(f.getKey());
      }
    }
    MessageType schema = b.named("record");
    Group g = new SimpleGroupFactory(schema).newGroup();
    for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode v = f.getValue();
      if (f.getKey().equals(typedField)) {
        double d = Double.parseDouble(typed.get("text").asText());
        if (type.equals("float")) g.add(f.getKey(), (float) d);
        else g.add(f.getKey(), d);
      } else if (v.isIntegralNumber()) {
        g.add(f.getKey(), v.longValue());
      } else if (v.isNumber()) {
        g.add(f.getKey(), v.doubleValue());
      } else {
        g.add(f.getKey(), v.asText());
      }
    }
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withConf(new PlainParquetConfiguration())
            .withType(schema)
            .build()) {
      w.write(g);
    }
  }
}

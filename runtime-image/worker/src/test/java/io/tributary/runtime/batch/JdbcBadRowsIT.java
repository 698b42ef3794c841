package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.lake;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.sink.JdbcSink;
import io.tributary.pipeline.source.JdbcSource;
import io.tributary.runtime.testing.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows a JDBC read cannot turn into records, against a real PostgreSQL: each is one dead letter at
 * step {@code source} naming its position and column, with the columns that did decode as its raw
 * text; every other row loads and the run succeeds.
 */
class JdbcBadRowsIT {
  @TempDir Path dir;
  String url;
  Path secrets;

  @BeforeEach
  void database() throws Exception {
    url = Postgres.shared().newDatabase();
    secrets = Postgres.writeSecrets(dir.resolve("secrets"));
  }

  BatchPlans plan(String jdbcUrl, String table, int partitions, SinkSpec sink) {
    BatchPlans p = new BatchPlans();
    p.secretsDir = secrets.toString();
    JdbcSource src =
        JdbcSource.table(jdbcUrl, table).withUserSecretRef(new SecretKeyRef("db", "user"));
    p.source =
        SourceSpec.of(
            partitions > 1 ? src.withPartitionColumn("id").withPartitions(partitions) : src);
    p.sink = sink;
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 1.0);
    return p;
  }

  /** Dead letters by the id in their raw text. */
  Map<Long, JsonNode> deadLetters(String runId) throws Exception {
    Map<Long, JsonNode> out = new TreeMap<>();
    for (JsonNode d : BatchPlans.jsonLines(dir.resolve("dlq/" + runId + ".jsonl"))) {
      out.put(BatchPlans.JSON.readTree(d.get("raw").asText()).get("id").asLong(), d);
    }
    return out;
  }

  @Test
  void nanInfinityAndInfiniteTimesAreDeadLetteredAndEveryOtherRowLoads() throws Exception {
    Postgres.sql(
        url,
        "CREATE TABLE readings (id bigint, d double precision, r real, n numeric,"
            + " at timestamptz, day date)",
        "INSERT INTO readings VALUES"
            + " (1, 1.5, 2.5, 3.5, '2026-11-30T10:00:00Z', '2026-11-30'),"
            + " (2, 'NaN', 2.5, 3.5, NULL, NULL),"
            + " (3, 1.5, '-Infinity', 3.5, NULL, NULL),"
            + " (4, 1.5, 2.5, 'NaN', NULL, NULL),"
            + " (5, 1.5, 2.5, 'Infinity', NULL, NULL),"
            + " (6, 1.5, 2.5, 1e400, NULL, NULL),"
            + " (7, 1.5, 2.5, 3.5, 'infinity', NULL),"
            + " (8, 1.5, 2.5, 3.5, NULL, '-infinity'),"
            + " (9, NULL, NULL, NULL, NULL, NULL)");
    for (int partitions : new int[] {1, 2}) {
      Path out = dir.resolve("lake/readings-" + partitions);
      BatchPlans p = plan(url, "readings", partitions, lake(out, FileFormat.JSONL));
      p.runId = "run-" + partitions;

      BatchPlans.Outcome o = p.run(dir);

      assertThat(o.exitCode()).as("partitions %d", partitions).isEqualTo(ExitCodes.OK);
      assertThat(o.summary().recordsRead()).isEqualTo(9);
      assertThat(o.summary().recordsWritten()).isEqualTo(2);
      assertThat(o.summary().recordsRejected()).isEqualTo(7);
      assertThat(o.summary().steps().get(0)).isEqualTo(new RunSummary.StepCount("source", 9, 2, 7));
      assertThat(BatchPlans.lakeRecords(out))
          .extracting(r -> r.get("id").asLong())
          .containsExactlyInAnyOrder(1L, 9L);
      Map<Long, JsonNode> dead = deadLetters(p.runId);
      assertThat(dead.keySet()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L);
      assertThat(dead.values())
          .allSatisfy(d -> assertThat(d.get("step").asText()).isEqualTo("source"));
      String position = partitions == 1 ? "row " : "partition ";
      assertThat(dead.get(2L).get("reason").asText())
          .startsWith(position)
          .contains("column d (float8): NaN is not a finite number");
      assertThat(dead.get(3L).get("reason").asText())
          .contains("column r (float4): -Infinity is not a finite number");
      assertThat(dead.get(4L).get("reason").asText())
          .contains("column n (numeric): NaN is not a finite number");
      assertThat(dead.get(5L).get("reason").asText())
          .contains("column n (numeric): Infinity is not a finite number");
      assertThat(dead.get(6L).get("reason").asText())
          .contains("column n (numeric): a number too large for a double");
      assertThat(dead.get(7L).get("reason").asText())
          .contains("column at (timestamptz): infinity is not a point in time");
      assertThat(dead.get(8L).get("reason").asText())
          .contains("column day (date): infinity is not a point in time");
      // The raw text holds the columns that did decode: the row can be found by them.
      JsonNode raw = BatchPlans.JSON.readTree(dead.get(2L).get("raw").asText());
      assertThat(raw.get("r").asDouble()).isEqualTo(2.5);
      assertThat(raw.has("d")).isFalse();
    }
  }

  @Test
  void aValueTheDriverCannotConvertRejectsItsRowAndTheRestLoads() throws Exception {
    // The driver reads money as a double, and cannot parse "$1,234.50" (the thousands separator).
    Postgres.sql(
        url,
        "CREATE TABLE prices (id bigint, price money)",
        "INSERT INTO prices VALUES (1, 12.5), (2, 1234.5), (3, 7)");
    Path out = dir.resolve("lake/prices");

    BatchPlans.Outcome o = plan(url, "prices", 1, lake(out, FileFormat.JSONL)).run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(BatchPlans.lakeRecords(out))
        .extracting(r -> r.get("id").asLong())
        .containsExactlyInAnyOrder(1L, 3L);
    JsonNode dead = deadLetters("run-1").get(2L);
    assertThat(dead.get("reason").asText())
        .isEqualTo(
            "row 2: column price (money): the driver cannot convert the value (SQLSTATE 22003);"
                + " cast the column to a type it reads (numeric, text) in source.jdbc.query")
        .doesNotContain("1,234");
    assertThat(o.summary().message()).contains("1 record rejected");
  }

  @Test
  void textThatIsNotUtf8InASqlAsciiDatabaseRejectsItsRowAndTheRestLoads() throws Exception {
    String name = "ascii_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    Postgres.sql(
        url,
        "CREATE DATABASE "
            + name
            + " ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
    String ascii = Postgres.shared().url(name);
    // A SQL_ASCII database stores whatever bytes arrive: 0xE9 is Latin-1 é, not UTF-8.
    Postgres.sql(
        ascii,
        "CREATE TABLE people (id bigint, name text)",
        "INSERT INTO people VALUES (1, 'ada'), (2, E'caf\\351'), (3, 'jos\u00e9')");
    Path out = dir.resolve("lake/people");

    BatchPlans.Outcome o = plan(ascii, "people", 1, lake(out, FileFormat.JSONL)).run(dir);

    assertThat(o.exitCode()).as(o.summary().message()).isEqualTo(ExitCodes.OK);
    assertThat(BatchPlans.lakeRecords(out))
        .extracting(r -> r.get("name").asText())
        .containsExactlyInAnyOrder("ada", "jos\u00e9");
    assertThat(deadLetters("run-1").get(2L).get("reason").asText())
        .isEqualTo("row 2: column name (text): the text is not valid UTF-8 (at byte 3)");
  }

  @Test
  void aNanStringForADoubleColumnIsRejectedAtTheSink() throws Exception {
    Postgres.sql(url, "CREATE TABLE target (id bigint, d double precision, n numeric)");
    Path in = dir.resolve("in.jsonl");
    Files.writeString(
        in,
        "{\"id\":1,\"d\":1.5,\"n\":2}\n"
            + "{\"id\":2,\"d\":\"NaN\",\"n\":2}\n"
            + "{\"id\":3,\"d\":\"-Infinity\",\"n\":2}\n"
            + "{\"id\":4,\"d\":1.5,\"n\":\"NaN\"}\n");
    BatchPlans p = new BatchPlans();
    p.secretsDir = secrets.toString();
    p.source = BatchPlans.files(in, FileFormat.JSONL);
    p.sink =
        SinkSpec.of(JdbcSink.of(url, "target").withUserSecretRef(new SecretKeyRef("db", "user")));
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 1.0);

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(Postgres.rows(url, "SELECT id FROM target ORDER BY id")).containsExactly("1");
    assertThat(BatchPlans.jsonLines(dir.resolve("dlq/run-1.jsonl")))
        .extracting(d -> d.get("step").asText() + ": " + d.get("reason").asText())
        .containsExactly(
            "sink: field d: NaN is not a finite number (JSON has no NaN or Infinity)",
            "sink: field d: -Infinity is not a finite number (JSON has no NaN or Infinity)",
            "sink: field n: string value does not fit column type numeric");
  }
}

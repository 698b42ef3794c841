package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.lake;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.sink.JdbcSink;
import io.tributary.pipeline.source.JdbcSource;
import io.tributary.pipeline.transform.DedupeTransform;
import io.tributary.pipeline.transform.NormalizeTransform;
import io.tributary.pipeline.transform.ValidateTransform;
import io.tributary.runtime.testing.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jdbc source and sink against a real, private PostgreSQL. */
class JdbcIT {
  @TempDir Path dir;
  String url;
  Path secrets;

  @BeforeEach
  void database() throws Exception {
    url = Postgres.shared().newDatabase();
    secrets = Postgres.writeSecrets(dir.resolve("secrets"));
    sql(
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer text, amount numeric(10,2),"
            + " paid boolean, updated_at timestamp, placed timestamptz, tags jsonb)");
  }

  void sql(String... statements) throws Exception {
    Postgres.sql(url, statements);
  }

  List<String> rows(String query) throws Exception {
    return Postgres.rows(url, query);
  }

  void insertOrders(int from, int to) throws Exception {
    sql(
        "INSERT INTO orders SELECT g, 'c' || (g % 7), g * 1.25, g % 2 = 0,"
            + " timestamp '2026-01-01' + g * interval '1 minute',"
            + " timestamptz '2026-01-01T00:00:00Z' + g * interval '1 hour', '{\"n\": 1}'::jsonb"
            + " FROM generate_series("
            + from
            + ", "
            + to
            + ") g");
  }

  JdbcSource source(
      String table,
      String query,
      String partitionColumn,
      Integer partitions,
      JdbcSource.Incremental incremental) {
    return new JdbcSource(
        url,
        table,
        query,
        new SecretKeyRef("db", "user"),
        new SecretKeyRef("db", "password"),
        partitionColumn,
        partitions,
        100,
        incremental);
  }

  BatchPlans plan(JdbcSource src, SinkSpec sink) {
    BatchPlans p = new BatchPlans();
    p.secretsDir = secrets.toString();
    p.source = SourceSpec.of(src);
    p.sink = sink;
    return p;
  }

  @Test
  void aTableLandsInTheLakeWithTypedColumns() throws Exception {
    insertOrders(1, 250);
    Path out = dir.resolve("lake/orders");
    BatchPlans.Outcome o =
        plan(source("orders", null, null, null, null), lake(out, FileFormat.PARQUET)).run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsRead()).isEqualTo(250);
    List<ObjectNode> rows = BatchPlans.lakeRecords(out);
    assertThat(rows).hasSize(250);
    ObjectNode r7 = rows.stream().filter(r -> r.get("id").asLong() == 7).findFirst().orElseThrow();
    assertThat(r7.get("customer").asText()).isEqualTo("c0");
    assertThat(r7.get("amount").asDouble()).isEqualTo(8.75);
    assertThat(r7.get("paid").asBoolean()).isFalse();
    assertThat(r7.get("updated_at").asText()).isEqualTo("2026-01-01T00:07:00");
    assertThat(r7.get("placed").asText()).isEqualTo("2026-01-01T07:00:00Z");
  }

  @Test
  void partitionedReadsReadEveryRowExactlyOnce() throws Exception {
    insertOrders(1, 1000);
    sql("INSERT INTO orders (id, customer) VALUES (5000, 'no-times')");
    for (String column : List.of("id", "placed")) {
      Path out = dir.resolve("lake/" + column);
      BatchPlans p =
          plan(
              source(null, "SELECT id, customer, placed FROM orders", column, 4, null),
              lake(out, FileFormat.JSONL));
      p.runId = "run-" + column;
      BatchPlans.Outcome o = p.run(dir);

      assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
      List<Long> ids = BatchPlans.lakeRecords(out).stream().map(r -> r.get("id").asLong()).toList();
      assertThat(ids).hasSize(1001).doesNotHaveDuplicates().contains(1L, 1000L, 5000L);
    }
  }

  @Test
  void incrementalRunsReadOnlyRowsAboveTheLastWatermark() throws Exception {
    insertOrders(1, 100);
    JdbcSource src =
        source("orders", null, "id", 2, new JdbcSource.Incremental("updated_at", null));
    Path out = dir.resolve("lake/inc");

    BatchPlans first = plan(src, lake(out, FileFormat.JSONL));
    first.runId = "run-1";
    BatchPlans.Outcome one = first.run(dir);
    assertThat(one.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(one.summary().recordsRead()).isEqualTo(100);
    assertThat(one.summary().watermark()).isEqualTo("2026-01-01T01:40:00");

    insertOrders(101, 130);
    BatchPlans second = plan(src, lake(out, FileFormat.JSONL));
    second.runId = "run-2";
    second.watermark = one.summary().watermark(); // what the operator hands the next run
    BatchPlans.Outcome two = second.run(dir);

    assertThat(two.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(two.summary().recordsRead()).isEqualTo(30);
    assertThat(two.summary().watermark()).isEqualTo("2026-01-01T02:10:00");
    List<Long> ids = BatchPlans.lakeRecords(out).stream().map(r -> r.get("id").asLong()).toList();
    assertThat(ids).hasSize(130).doesNotHaveDuplicates();

    BatchPlans third = plan(src, lake(out, FileFormat.JSONL));
    third.runId = "run-3";
    third.watermark = two.summary().watermark();
    BatchPlans.Outcome three = third.run(dir);
    assertThat(three.summary().recordsRead()).isZero();
    assertThat(three.summary().watermark()).isEqualTo("2026-01-01T02:10:00");
  }

  @Test
  void appendAndUpsertIntoATable() throws Exception {
    insertOrders(1, 50);
    sql(
        "CREATE TABLE copy (id bigint PRIMARY KEY, customer text, amount numeric(10,2),"
            + " paid boolean, placed timestamptz, tags jsonb, loaded_at timestamptz DEFAULT now())");
    JdbcSink append =
        new JdbcSink(
            url, "copy", JdbcSink.Mode.APPEND, null, 7, new SecretKeyRef("db", "user"), null);
    BatchPlans a =
        plan(
            source(
                null,
                "SELECT id, customer, amount, paid, placed, tags FROM orders",
                null,
                null,
                null),
            SinkSpec.of(append));
    assertThat(a.run(dir).exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(rows("SELECT count(*), count(loaded_at), sum(amount) FROM copy"))
        .containsExactly("50|50|1593.75");

    sql("UPDATE orders SET customer = 'changed' WHERE id <= 10");
    insertOrders(51, 60);
    JdbcSink upsert =
        new JdbcSink(
            url,
            "copy",
            JdbcSink.Mode.UPSERT,
            List.of("id"),
            4,
            new SecretKeyRef("db", "user"),
            null);
    BatchPlans u =
        plan(
            source(
                null,
                "SELECT id, customer, amount, paid, placed, tags FROM orders",
                null,
                null,
                null),
            SinkSpec.of(upsert));
    u.runId = "run-2";
    assertThat(u.run(dir).exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(rows("SELECT count(*), count(*) FILTER (WHERE customer = 'changed') FROM copy"))
        .containsExactly("60|10");
    assertThat(rows("SELECT tags->>'n', placed FROM copy WHERE id = 3"))
        .containsExactly("1|2026-01-01 03:00:00+00");
  }

  @Test
  void aPoisonedRowIsDeadLetteredAndAFailedAppendLeavesNoRows() throws Exception {
    sql(
        "CREATE TABLE raw (id text, amount text)",
        "INSERT INTO raw VALUES ('1','10'), ('2','x'), ('3','30')",
        "CREATE TABLE typed (id bigint PRIMARY KEY, amount numeric)");
    JdbcSink sink =
        JdbcSink.of(url, "typed")
            .withBatchSize(1)
            .withUserSecretRef(new SecretKeyRef("db", "user"));
    BatchPlans p = plan(source("raw", null, null, null, null), SinkSpec.of(sink));
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.5);

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsRejected()).isEqualTo(1);
    assertThat(rows("SELECT id, amount FROM typed ORDER BY id")).containsExactly("1|10", "3|30");
    List<JsonNode> dead = BatchPlans.jsonLines(dir.resolve("dlq/run-1.jsonl"));
    assertThat(dead)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.get("reason").asText()).contains("amount");
              assertThat(d.get("record").get("id").asText()).isEqualTo("2");
            });

    // A duplicate key is a refused row, one dead letter; with no deadLetter set, one reject in
    // three is above the default maxRejectedRatio: the whole run rolls back, nothing half-written
    // stays.
    sql("DELETE FROM typed", "INSERT INTO typed VALUES (3, 0)");
    p.runId = "run-2";
    p.deadLetter = null;
    sql("UPDATE raw SET amount = '20' WHERE id = '2'");
    BatchPlans.Outcome failed = p.run(dir);
    assertThat(failed.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(failed.summary().message()).contains("1 of 3 records rejected").contains("23505");
    assertThat(rows("SELECT id, amount FROM typed ORDER BY id")).containsExactly("3|0");
  }

  @Test
  void partitionedReadsTransformInParallelLanesAndCountEveryStep() throws Exception {
    insertOrders(1, 3000);
    sql("UPDATE orders SET customer = NULL WHERE id % 500 = 0"); // 6 invalid rows
    BatchPlans p =
        plan(
            source("orders", null, "id", 3, null),
            lake(dir.resolve("lake/lanes"), FileFormat.JSONL));
    p.schema =
        new SchemaSpec(
            List.of(
                SchemaSpec.Field.of("id", SchemaSpec.Type.INTEGER).asRequired(),
                SchemaSpec.Field.of("customer", SchemaSpec.Type.STRING).asRequired()),
            null);
    p.transforms =
        List.of(
            TransformSpec.of(new ValidateTransform(null)),
            TransformSpec.of(
                new NormalizeTransform(
                    List.of(
                        NormalizeTransform.Rule.of("customer")
                            .withCase(NormalizeTransform.Case.UPPER)))));
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.01);

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().steps())
        .containsExactly(
            new RunSummary.StepCount("source", 3000, 3000, 0),
            new RunSummary.StepCount("validate-0", 3000, 2994, 6),
            new RunSummary.StepCount("normalize-1", 2994, 2994, 0),
            new RunSummary.StepCount("sink", 2994, 2994, 0));
    List<ObjectNode> rows = BatchPlans.lakeRecords(dir.resolve("lake/lanes"));
    assertThat(rows)
        .hasSize(2994)
        .allSatisfy(r -> assertThat(r.get("customer").asText()).startsWith("C"));
    assertThat(BatchPlans.jsonLines(dir.resolve("dlq/run-1.jsonl"))).hasSize(6);
  }

  @Test
  void aStatefulChainSeesEveryPartitionOnOneThread() throws Exception {
    insertOrders(1, 1000);
    // customer repeats across the id ranges of all partitions: dedupe must still keep 7.
    BatchPlans p =
        plan(
            source("orders", null, "id", 4, null),
            lake(dir.resolve("lake/dedupe"), FileFormat.JSONL));
    p.transforms = List.of(TransformSpec.of(new DedupeTransform(List.of("customer"), "1h")));

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(BatchPlans.lakeRecords(dir.resolve("lake/dedupe"))).hasSize(7);
  }

  @Test
  void lanesPrepareParquetRowsAndCountRowsTheSinkCannotStore() throws Exception {
    insertOrders(1, 2000);
    sql(
        "UPDATE orders SET customer = (id % 100)::text",
        "UPDATE orders SET customer = 'not-a-number' WHERE id IN (7, 700, 1400)");
    Path out = dir.resolve("lake/typed");
    BatchPlans p =
        plan(source("orders", null, "id", 2, null), lake(out, FileFormat.PARQUET, "paid"));
    p.schema =
        new SchemaSpec(
            List.of(
                SchemaSpec.Field.of("id", SchemaSpec.Type.INTEGER),
                SchemaSpec.Field.of("customer", SchemaSpec.Type.INTEGER),
                SchemaSpec.Field.of("paid", SchemaSpec.Type.BOOLEAN),
                SchemaSpec.Field.of("placed", SchemaSpec.Type.TIMESTAMP)),
            null);
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.01);

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().steps()).contains(new RunSummary.StepCount("sink", 2000, 1997, 3));
    List<ObjectNode> rows = BatchPlans.lakeRecords(out);
    assertThat(rows).hasSize(1997);
    ObjectNode r42 =
        rows.stream().filter(r -> r.get("id").asLong() == 42).findFirst().orElseThrow();
    assertThat(r42.get("customer").asLong()).isEqualTo(42);
    assertThat(r42.get("placed").asText()).isEqualTo("2026-01-02T18:00:00Z");
    assertThat(r42.get("paid").asText()).isEqualTo("true");
    assertThat(BatchPlans.jsonLines(dir.resolve("dlq/run-1.jsonl")))
        .extracting(d -> d.at("/record/id").asLong())
        .containsExactlyInAnyOrder(7L, 700L, 1400L);
  }

  @Test
  void everyRecordWritesTheColumnsItHasNotOnlyThoseOfTheFirstRecord() throws Exception {
    sql(
        "CREATE TABLE wide (id bigint PRIMARY KEY, customer text DEFAULT 'unknown',"
            + " amount numeric, paid boolean)");
    Path in = dir.resolve("in/wide.jsonl");
    Files.createDirectories(in.getParent());
    Files.writeString(
        in,
        "{\"id\":1,\"customer\":\"a\"}\n"
            + "{\"id\":2,\"customer\":\"b\",\"amount\":2.5,\"paid\":true}\n"
            + "{\"id\":3,\"amount\":3}\n"
            + "{\"id\":4,\"customer\":null,\"amount\":4}\n"
            + "{\"id\":5,\"customer\":\"e\"}\n");
    BatchPlans p = new BatchPlans();
    p.secretsDir = secrets.toString();
    p.source = BatchPlans.files(in, FileFormat.JSONL);
    p.sink =
        SinkSpec.of(
            JdbcSink.of(url, "wide")
                .withBatchSize(2)
                .withUserSecretRef(new SecretKeyRef("db", "user")));

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsWritten()).isEqualTo(5);
    // A missing field keeps the column's default; an explicit null writes NULL.
    assertThat(rows("SELECT id, customer, amount, paid FROM wide ORDER BY id"))
        .containsExactly(
            "1|a|null|null", "2|b|2.5|t", "3|unknown|3|null", "4|null|4|null", "5|e|null|null");

    // An upsert updates the columns a record has and leaves the others as they are.
    Files.writeString(in, "{\"id\":2,\"amount\":9}\n{\"id\":5,\"paid\":false}\n");
    p.runId = "run-2";
    p.sink =
        SinkSpec.of(
            JdbcSink.of(url, "wide")
                .withMode(JdbcSink.Mode.UPSERT)
                .withKeyColumns(List.of("id"))
                .withUserSecretRef(new SecretKeyRef("db", "user")));
    assertThat(p.run(dir).exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(rows("SELECT id, customer, amount, paid FROM wide WHERE id IN (2, 5) ORDER BY id"))
        .containsExactly("2|b|9|t", "5|e|null|f");
  }

  @Test
  void rowsWithANullIncrementalColumnAreReadByTheFullRunAndReportedByLaterRuns() throws Exception {
    insertOrders(1, 10);
    sql("UPDATE orders SET updated_at = NULL WHERE id IN (3, 4)");
    JdbcSource src =
        source("orders", null, "id", 2, new JdbcSource.Incremental("updated_at", null));
    Path out = dir.resolve("lake/inc");

    BatchPlans first = plan(src, lake(out, FileFormat.JSONL));
    BatchPlans.Outcome one = first.run(dir);

    assertThat(one.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(one.summary().recordsRead()).isEqualTo(10);
    assertThat(one.summary().watermark()).isEqualTo("2026-01-01T00:10:00");

    insertOrders(11, 12);
    BatchPlans second = plan(src, lake(out, FileFormat.JSONL));
    second.runId = "run-2";
    second.watermark = one.summary().watermark();
    BatchPlans.Outcome two = second.run(dir);

    assertThat(two.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(two.summary().recordsRead()).isEqualTo(2);
    assertThat(two.summary().message())
        .contains("2 rows")
        .contains("NULL in the incremental column updated_at")
        .contains("not read");
    assertThat(BatchPlans.lakeRecords(out).stream().map(r -> r.get("id").asLong()))
        .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
  }
}

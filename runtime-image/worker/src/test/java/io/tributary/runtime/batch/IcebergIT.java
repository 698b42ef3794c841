package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SchemaSpec.Type;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.IcebergTable;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.plan.SinkSchemas;
import io.tributary.runtime.Secrets;
import io.tributary.runtime.batch.sink.IcebergWriter;
import io.tributary.runtime.batch.sink.LocalFileIO;
import io.tributary.runtime.testing.Postgres;
import io.tributary.runtime.testing.PyIceberg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Iceberg lake format end to end: a run reads JSON Lines files and appends to an Iceberg table
 * through the JDBC catalog on a real PostgreSQL; PyIceberg, an independent reader, reads the table
 * back through the same catalog.
 */
class IcebergIT {
  static final String TABLE = "analytics.orders";

  @TempDir Path dir;
  String catalogUrl;
  Path warehouse;
  Path secrets;

  @BeforeEach
  void catalog() throws Exception {
    catalogUrl = Postgres.shared().newDatabase();
    secrets = Postgres.writeSecrets(dir.resolve("secrets"));
    warehouse = dir.resolve("warehouse");
  }

  SinkSpec iceberg(String... partitionBy) {
    IcebergTable.Catalog catalog =
        IcebergTable.Catalog.of(catalogUrl)
            .withUserSecretRef(new SecretKeyRef("db", "user"))
            .withPasswordSecretRef(new SecretKeyRef("db", "password"));
    return SinkSpec.of(
        LakeSink.iceberg(
            warehouse.toString(),
            new IcebergTable(TABLE, catalog),
            partitionBy.length == 0 ? null : List.of(partitionBy)));
  }

  static SchemaSpec orders(SchemaSpec.Field... more) {
    List<SchemaSpec.Field> fields =
        new ArrayList<>(
            List.of(
                field("id", Type.INTEGER).asRequired(),
                field("country", Type.STRING),
                field("amount", Type.NUMBER),
                field("paid", Type.BOOLEAN),
                field("placed", Type.TIMESTAMP),
                field("tags", Type.ARRAY)));
    fields.addAll(List.of(more));
    return new SchemaSpec(fields, null);
  }

  /** A JSON Lines input of orders {@code from..to}, country AE for even ids, SA for odd. */
  Path input(String name, int from, int to, String... extra) throws Exception {
    Path in = dir.resolve("in-" + name);
    Files.createDirectories(in);
    List<String> lines = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      lines.add(
          String.format(
              "{\"id\": %d, \"country\": \"%s\", \"amount\": %d.25, \"paid\": %s,"
                  + " \"placed\": \"2026-11-%02dT10:00:00Z\", \"tags\": [\"t%d\"]%s}",
              i,
              i % 2 == 0 ? "AE" : "SA",
              i,
              i % 3 == 0,
              1 + i % 28,
              i,
              extra.length == 0 ? "" : ", " + extra[0]));
    }
    Files.write(in.resolve("orders.jsonl"), lines);
    return in;
  }

  BatchPlans plan(Path in, SchemaSpec schema, SinkSpec sink, String runId) {
    BatchPlans p = new BatchPlans();
    p.secretsDir = secrets.toString();
    p.source = BatchPlans.files(in, FileFormat.JSONL);
    p.sink = sink;
    p.schema = schema;
    p.runId = runId;
    return p;
  }

  JsonNode readBack() throws Exception {
    return PyIceberg.read(catalogUrl, "tributary", warehouse, TABLE);
  }

  static List<String> runIds(JsonNode table) {
    List<String> out = new ArrayList<>();
    table
        .get("snapshots")
        .forEach(s -> out.add(s.get("summary").path("tributary.run-id").asText()));
    return out;
  }

  List<Path> parquetFiles() throws Exception {
    if (!Files.exists(warehouse)) return List.of();
    try (Stream<Path> s = Files.walk(warehouse)) {
      return s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
    }
  }

  @Test
  void aRunCreatesTheTableAndAnIndependentReaderSeesEveryRowAndTheRunId() throws Exception {
    BatchPlans.Outcome o = plan(input("a", 1, 50), orders(), iceberg(), "run-1").run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsWritten()).isEqualTo(50);
    JsonNode t = readBack();
    assertThat(t.get("schema").toString())
        .contains("{\"name\":\"id\",\"type\":\"long\",\"required\":true}")
        .contains("{\"name\":\"amount\",\"type\":\"double\",\"required\":false}")
        .contains("{\"name\":\"placed\",\"type\":\"timestamptz\",\"required\":false}")
        .contains("{\"name\":\"tags\",\"type\":\"string\",\"required\":false}");
    assertThat(t.get("rows")).hasSize(50);
    JsonNode r7 = row(t, 7);
    assertThat(r7.get("country").asText()).isEqualTo("SA");
    assertThat(r7.get("amount").asDouble()).isEqualTo(7.25);
    assertThat(r7.get("paid").asBoolean()).isFalse();
    assertThat(r7.get("placed").asText()).isEqualTo("2026-11-08 10:00:00+00:00");
    assertThat(r7.get("tags").asText()).isEqualTo("[\"t7\"]");
    assertThat(runIds(t)).containsExactly("run-1");
    JsonNode summary = t.get("snapshots").get(0).get("summary");
    assertThat(summary.get("tributary.run-attempt").asText()).isEqualTo("1");
    assertThat(summary.get("added-records").asText()).isEqualTo("50");
    assertThat(summary.get("tributary.run-summary").asText()).contains("\"recordsWritten\":50");
  }

  @Test
  void aRetriedRunIdAppendsNothingAndReportsTheCommittedSnapshot() throws Exception {
    Path in = input("a", 1, 20);
    BatchPlans.Outcome first = plan(in, orders(), iceberg(), "run-1").run(dir);
    assertThat(first.exitCode()).isEqualTo(ExitCodes.OK);
    List<Path> files = parquetFiles();

    BatchPlans.Outcome again = plan(in, orders(), iceberg(), "run-1").run(dir);

    assertThat(again.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(again.summary().recordsWritten()).isEqualTo(20);
    assertThat(again.summary().message())
        .contains("already committed by attempt 1 as snapshot")
        .contains("nothing written again");
    JsonNode t = readBack();
    assertThat(t.get("rows")).hasSize(20);
    assertThat(runIds(t)).containsExactly("run-1");
    assertThat(again.summary().message()).contains(t.get("snapshots").get(0).get("id").asText());
    assertThat(parquetFiles()).isEqualTo(files);
  }

  @Test
  void aRunWithNothingToWriteStillRecordsItsRunId() throws Exception {
    Path in = dir.resolve("in-empty");
    Files.createDirectories(in);
    Files.writeString(in.resolve("orders.jsonl"), "");

    BatchPlans.Outcome o = plan(in, orders(), iceberg(), "run-1").run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsWritten()).isZero();
    JsonNode t = readBack();
    assertThat(t.get("rows")).isEmpty();
    assertThat(runIds(t)).containsExactly("run-1");
    assertThat(plan(in, orders(), iceberg(), "run-1").run(dir).summary().message())
        .contains("already committed by attempt 1");
  }

  @Test
  void aSecondRunAppendsItsOwnSnapshot() throws Exception {
    plan(input("a", 1, 20), orders(), iceberg(), "run-1").run(dir);

    BatchPlans.Outcome second = plan(input("b", 21, 30), orders(), iceberg(), "run-2").run(dir);

    assertThat(second.exitCode()).isEqualTo(ExitCodes.OK);
    JsonNode t = readBack();
    assertThat(t.get("rows")).hasSize(30);
    List<Long> ids = new ArrayList<>();
    t.get("rows").forEach(r -> ids.add(r.get("id").asLong()));
    assertThat(ids).doesNotHaveDuplicates().contains(1L, 20L, 21L, 30L);
    assertThat(runIds(t)).containsExactly("run-1", "run-2");
  }

  @Test
  void partitionByBecomesTheTablesIdentityPartitionSpec() throws Exception {
    BatchPlans.Outcome o = plan(input("a", 1, 40), orders(), iceberg("country"), "run-1").run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    JsonNode t = readBack();
    assertThat(t.get("partitionBy").toString())
        .isEqualTo("[{\"source\":\"country\",\"transform\":\"identity\"}]");
    assertThat(t.get("rows")).hasSize(40);
    assertThat(t.get("dataFiles")).hasSize(2);
    for (JsonNode f : t.get("dataFiles")) {
      assertThat(f.asText()).containsPattern("/analytics/orders/data/country=(AE|SA)/run-1-1-");
    }
    for (JsonNode r : t.get("rows")) {
      assertThat(r.get("country").asText()).isEqualTo(r.get("id").asLong() % 2 == 0 ? "AE" : "SA");
    }
  }

  @Test
  void withOneOpenFileAPartitionGetsSeveralFilesAndOneCommitPublishesThemAll() throws Exception {
    SinkSpec oneOpen = SinkSpec.of(iceberg("country").lake().withMaxOpenFiles(1));

    BatchPlans.Outcome o = plan(input("a", 1, 10), orders(), oneOpen, "run-1").run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    JsonNode t = readBack();
    assertThat(t.get("rows")).hasSize(10);
    // Countries alternate record by record: every record closes the other country's file.
    assertThat(t.get("dataFiles")).hasSize(10);
    assertThat(runIds(t)).containsExactly("run-1");
  }

  @Test
  void aChangedPartitionByEvolvesThePartitionSpecAndOlderFilesKeepTheirLayout() throws Exception {
    plan(input("a", 1, 10), orders(), iceberg("country"), "run-1").run(dir);

    BatchPlans.Outcome o = plan(input("b", 11, 20), orders(), iceberg("paid"), "run-2").run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    JsonNode t = readBack();
    assertThat(t.get("partitionBy").toString())
        .isEqualTo("[{\"source\":\"paid\",\"transform\":\"identity\"}]");
    assertThat(t.get("rows")).hasSize(20);
    List<String> files = new ArrayList<>();
    t.get("dataFiles").forEach(f -> files.add(f.asText()));
    assertThat(files).filteredOn(f -> f.contains("/run-1-")).allMatch(f -> f.contains("country="));
    assertThat(files)
        .filteredOn(f -> f.contains("/run-2-"))
        .hasSize(2)
        .allMatch(f -> f.contains("/paid="));
  }

  @Test
  void aNewOptionalColumnIsAddedAndOlderRowsReadItAsNull() throws Exception {
    plan(input("a", 1, 10), orders(), iceberg(), "run-1").run(dir);

    BatchPlans.Outcome o =
        plan(
                input("b", 11, 15, "\"channel\": \"web\""),
                orders(field("channel", Type.STRING)),
                iceberg(),
                "run-2")
            .run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    JsonNode t = readBack();
    assertThat(t.get("schema").toString())
        .contains("{\"name\":\"channel\",\"type\":\"string\",\"required\":false}");
    assertThat(row(t, 3).get("channel").isNull()).isTrue();
    assertThat(row(t, 12).get("channel").asText()).isEqualTo("web");
  }

  @Test
  void aTypeChangeIsRefusedNamingTheColumnAndNothingIsWritten() throws Exception {
    plan(input("a", 1, 10), orders(), iceberg(), "run-1").run(dir);
    List<Path> files = parquetFiles();
    SchemaSpec changed =
        new SchemaSpec(
            orders().fields().stream()
                .map(f -> f.name().equals("amount") ? field("amount", Type.STRING) : f)
                .toList(),
            null);

    BatchPlans.Outcome o = plan(input("b", 11, 20), changed, iceberg(), "run-2").run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(o.summary().failure()).isEqualTo("permanent");
    assertThat(o.summary().message())
        .contains("column amount: type double in the table cannot change to string")
        .contains("nothing was written");
    JsonNode t = readBack();
    assertThat(runIds(t)).containsExactly("run-1");
    assertThat(t.get("rows")).hasSize(10);
    assertThat(parquetFiles()).isEqualTo(files);
  }

  @Test
  void aNewRequiredColumnIsRefused() throws Exception {
    plan(input("a", 1, 10), orders(), iceberg(), "run-1").run(dir);

    BatchPlans.Outcome o =
        plan(
                input("b", 11, 20, "\"channel\": \"web\""),
                orders(field("channel", Type.STRING).asRequired()),
                iceberg(),
                "run-2")
            .run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(o.summary().message())
        .contains("column channel (string) is new and required at the sink");
    assertThat(runIds(readBack())).containsExactly("run-1");
  }

  @Test
  void aValueThatDoesNotFitItsColumnIsADeadLetterAndTheRunGoesOn() throws Exception {
    Path in = input("a", 1, 200);
    Files.writeString(
        in.resolve("orders.jsonl"),
        "{\"id\": \"not-a-number\", \"country\": \"AE\"}\n{\"country\": \"SA\"}\n",
        java.nio.file.StandardOpenOption.APPEND);

    BatchPlans.Outcome o = plan(in, orders(), iceberg(), "run-1").run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsWritten()).isEqualTo(200);
    assertThat(o.summary().recordsRejected()).isEqualTo(2);
    List<JsonNode> dead = new ArrayList<>();
    try (Stream<Path> s = Files.walk(warehouse.resolve("_rejected"))) {
      for (Path f : s.filter(Files::isRegularFile).toList()) dead.addAll(BatchPlans.jsonLines(f));
    }
    assertThat(dead).hasSize(2);
    assertThat(dead.toString())
        .contains("field id: expected an integer")
        .contains("field id: missing or null, and the Iceberg column is required");
    assertThat(readBack().get("rows")).hasSize(200);
  }

  @Test
  void aFailedRunLeavesNoSnapshotAndNoDataFiles() throws Exception {
    Path in = input("a", 1, 10);
    // Every record is rejected: far over deadLetter.maxRejectedRatio, so the run fails after
    // its data files were written, before the commit.
    Files.writeString(in.resolve("orders.jsonl"), "{\"id\": \"x\"}\n".repeat(10));

    BatchPlans.Outcome o = plan(in, orders(), iceberg(), "run-1").run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(readBack().get("snapshots")).isEmpty();
    assertThat(parquetFiles()).isEmpty();
  }

  @Test
  void intAndFloatColumnsOfAnExistingTableWidenToLongAndDouble() throws Exception {
    try (JdbcCatalog catalog = javaCatalog()) {
      catalog.createNamespace(Namespace.of("analytics"));
      catalog.createTable(
          TableIdentifier.parse(TABLE),
          new Schema(
              Types.NestedField.required(1, "id", Types.IntegerType.get()),
              Types.NestedField.optional(2, "amount", Types.FloatType.get())));
    }

    BatchPlans.Outcome o = plan(input("a", 1, 10), orders(), iceberg(), "run-1").run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    JsonNode t = readBack();
    assertThat(t.get("schema").toString())
        .contains("{\"name\":\"id\",\"type\":\"long\",\"required\":true}")
        .contains("{\"name\":\"amount\",\"type\":\"double\",\"required\":false}")
        .contains("{\"name\":\"country\",\"type\":\"string\",\"required\":false}");
    assertThat(row(t, 4).get("amount").asDouble()).isEqualTo(4.25);
  }

  @Test
  void aWriterWhoseCommitRacesAnotherIsRetriedOnTheNewerTable() throws Exception {
    plan(input("a", 1, 5), orders(), iceberg(), "run-0").run(dir);
    SecretFiles files = new SecretFiles(Secrets.fromDir(secrets));
    LakeSink lake = iceberg().lake().withMaxOpenFiles(8);
    lake =
        new LakeSink(
            lake.path(),
            lake.format(),
            lake.partitionBy(),
            lake.maxOpenFiles(),
            new IcebergTable(TABLE, lake.iceberg().catalog().withName("tributary")),
            null,
            null);
    try (IcebergWriter a =
            new IcebergWriter(
                lake,
                SinkSchemas.of(orders(), List.of()),
                new WorkerPlan.Run("run-a", 1, null),
                files);
        IcebergWriter b =
            new IcebergWriter(
                lake,
                SinkSchemas.of(orders(), List.of()),
                new WorkerPlan.Run("run-b", 1, null),
                files)) {
      assertThat(a.begin()).isEmpty();
      assertThat(b.begin()).isEmpty();
      a.write(order(100));
      b.write(order(200));
      b.write(order(201));
      // b commits first, so a's transaction starts from a table that is no longer current.
      b.commit(RunSummary.succeeded("run-b", 2, 2, 0, 1, List.of()));
      a.commit(RunSummary.succeeded("run-a", 1, 1, 0, 1, List.of()));
    }

    JsonNode t = readBack();
    assertThat(runIds(t)).containsExactly("run-0", "run-b", "run-a");
    assertThat(t.get("rows")).hasSize(8);
  }

  static ObjectNode order(long id) {
    ObjectNode r = BatchPlans.JSON.createObjectNode();
    r.put("id", id);
    r.put("country", "AE");
    return r;
  }

  JdbcCatalog javaCatalog() {
    JdbcCatalog c = new JdbcCatalog(p -> new LocalFileIO(), null, true);
    c.initialize(
        "tributary",
        Map.of("uri", catalogUrl, "warehouse", warehouse.toString(), "jdbc.user", "postgres"));
    return c;
  }

  static JsonNode row(JsonNode table, long id) {
    for (JsonNode r : table.get("rows")) {
      if (r.get("id").asLong() == id) return r;
    }
    throw new AssertionError("no row with id " + id + " in " + table.get("rows"));
  }
}

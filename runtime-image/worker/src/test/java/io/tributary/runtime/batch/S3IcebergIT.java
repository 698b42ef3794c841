package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SchemaSpec.Type;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.sink.IcebergTable;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.runtime.testing.Postgres;
import io.tributary.runtime.testing.PyIceberg;
import io.tributary.runtime.testing.SeaweedFs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Iceberg table whose warehouse is on a real S3-compatible store (SeaweedFS), its catalog on a
 * real PostgreSQL: a run appends once, and a worker killed with SIGKILL while writing data files or
 * inside the catalog commit is retried to exactly one snapshot with every row once. PyIceberg reads
 * the table back with its own S3 client (PyArrow's).
 */
class S3IcebergIT {
  static final int RECORDS = 20_000;
  static final String TABLE = "events.clicks";

  @TempDir Path dir;
  String catalogUrl;
  String warehouse;
  SeaweedFs store;
  BatchPlans plan;

  @BeforeEach
  void input() throws Exception {
    catalogUrl = Postgres.shared().newDatabase();
    store = SeaweedFs.shared();
    String bucket = "wh-" + UUID.randomUUID().toString().substring(0, 8);
    store.createBucket(bucket);
    warehouse = "s3://" + bucket + "/warehouse";
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    try (var w = Files.newBufferedWriter(in.resolve("events.jsonl"))) {
      for (int i = 0; i < RECORDS; i++) {
        w.write("{\"id\":" + i + ",\"day\":\"2026-11-2" + (i % 5) + "\",\"v\":" + i * 3 + "}\n");
      }
    }
    IcebergTable.Catalog catalog =
        IcebergTable.Catalog.of(catalogUrl)
            .withUserSecretRef(new SecretKeyRef("db", "user"))
            .withPasswordSecretRef(new SecretKeyRef("db", "password"));
    plan = new BatchPlans();
    Path secrets = Postgres.writeSecrets(dir.resolve("secrets"));
    plan.secretsDir = SeaweedFs.writeSecrets(secrets).toString();
    plan.runId = "run-7";
    plan.source = BatchPlans.files(in, FileFormat.JSONL);
    plan.schema =
        new SchemaSpec(
            List.of(
                field("id", Type.INTEGER).asRequired(),
                field("day", Type.STRING),
                field("v", Type.INTEGER)),
            null);
    plan.sink =
        SinkSpec.of(
            LakeSink.iceberg(warehouse, new IcebergTable(TABLE, catalog), List.of("day"))
                .withS3(store.store()));
  }

  /** Runs the plan in a child JVM held at the {@code nth} call, then kills it there. */
  void killAt(String caller, String callerMethod, String callee, String calleeMethod, int nth)
      throws Exception {
    try (ChildDebugger debugger = ChildDebugger.listen()) {
      Process worker = RunPlanInChildJvm.start(plan, dir, debugger.agentOption());
      try {
        debugger.runUntilCall(caller, callerMethod, callee, calleeMethod, nth);
        worker.destroyForcibly(); // SIGKILL, held at the call
        assertThat(worker.waitFor(1, TimeUnit.MINUTES)).isTrue();
      } finally {
        worker.destroyForcibly();
      }
      assertThat(worker.exitValue()).isEqualTo(137);
    }
  }

  JsonNode readBack() throws Exception {
    return PyIceberg.read(
        catalogUrl,
        "tributary",
        warehouse,
        TABLE,
        Map.of(
            "s3.endpoint",
            store.endpoint(),
            "s3.access-key-id",
            SeaweedFs.ACCESS_KEY,
            "s3.secret-access-key",
            SeaweedFs.SECRET_KEY,
            "s3.region",
            "us-east-1"));
  }

  void assertCompleteAndNotDoubled(JsonNode table) {
    assertThat(table.get("rows")).hasSize(RECORDS);
    Set<Long> ids = new HashSet<>();
    table.get("rows").forEach(r -> ids.add(r.get("id").asLong()));
    assertThat(ids).hasSize(RECORDS);
    assertThat(table.get("snapshots")).hasSize(1);
    assertThat(table.get("snapshots").get(0).get("summary").get("tributary.run-id").asText())
        .isEqualTo("run-7");
    assertThat(table.get("dataFiles")).allMatch(f -> f.asText().startsWith(warehouse + "/"));
  }

  @Test
  void aRunAppendsOnceAndItsRetryWritesNothing() throws Exception {
    BatchPlans.Outcome run = plan.run(dir);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.summary().recordsWritten()).isEqualTo(RECORDS);
    JsonNode table = readBack();
    assertCompleteAndNotDoubled(table);
    assertThat(table.get("dataFiles")).hasSize(5);

    BatchPlans.Outcome again = plan.run(dir);
    assertThat(again.exitCode()).isEqualTo(ExitCodes.OK);
    assertCompleteAndNotDoubled(readBack());
  }

  /**
   * Killed while writing its data files to the store (the third one is being opened): nothing is
   * committed, so readers see no snapshot; the retry writes and commits the run once.
   */
  @Test
  void killedWhileWritingDataFilesTheRetryCommitsOnce() throws Exception {
    killAt(
        "io.tributary.runtime.batch.sink.IcebergWriter",
        "newFile",
        "org.apache.iceberg.aws.s3.S3FileIO",
        "newOutputFile",
        3);

    assertThat(readBack().get("snapshots")).isEmpty();

    BatchPlans.Outcome retry = plan.run(dir);

    assertThat(retry.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(retry.summary().recordsWritten()).isEqualTo(RECORDS);
    assertCompleteAndNotDoubled(readBack());
  }

  /**
   * Killed inside the catalog commit: the new metadata file is on the store, the catalog's pointer
   * not yet swapped. Readers see no snapshot; the retry writes and commits the run once.
   */
  @Test
  void killedBeforeTheCatalogSwapsThePointerTheRetryCommitsOnce() throws Exception {
    killAt(
        "org.apache.iceberg.jdbc.JdbcTableOperations",
        "doCommit",
        "org.apache.iceberg.jdbc.JdbcTableOperations",
        "updateTable",
        1);

    assertThat(readBack().get("snapshots")).isEmpty();

    BatchPlans.Outcome retry = plan.run(dir);

    assertThat(retry.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(retry.summary().recordsWritten()).isEqualTo(RECORDS);
    assertCompleteAndNotDoubled(readBack());
  }

  /**
   * Killed just after the catalog committed, before the worker could report: the retry finds the
   * run id in the snapshot summary and reports it without reading or writing anything.
   */
  @Test
  void killedAfterTheCommitTheRetryReportsItAndWritesNothing() throws Exception {
    killAt(
        "io.tributary.runtime.batch.sink.IcebergWriter",
        "commit",
        "org.apache.iceberg.BaseTable",
        "refresh",
        2);

    assertCompleteAndNotDoubled(readBack());

    Files.delete(dir.resolve("in/events.jsonl")); // the retry must not need the source again
    BatchPlans.Outcome retry = plan.run(dir);

    assertThat(retry.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(retry.summary().recordsWritten()).isEqualTo(RECORDS);
    assertThat(retry.summary().message()).contains("already committed by attempt 1");
    assertCompleteAndNotDoubled(readBack());
  }
}

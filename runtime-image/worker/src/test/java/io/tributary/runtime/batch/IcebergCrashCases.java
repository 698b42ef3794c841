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
import io.tributary.runtime.testing.ChildDebugger;
import io.tributary.runtime.testing.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash cases every Iceberg warehouse must pass: a worker killed with SIGKILL in the middle of
 * its Iceberg commit, then its retry (same run id, as the Job's next pod), checked by PyIceberg:
 * nothing lost, nothing doubled. The worker runs unmodified in a child JVM under a debugger that
 * holds it at the chosen call. A subclass says where the warehouse is and how to read it back.
 */
abstract class IcebergCrashCases {
  static final int RECORDS = 20_000;
  static final String TABLE = "events.clicks";
  static final String RUN_ID = "run-7";

  @TempDir Path dir;
  String catalogUrl;
  BatchPlans plan;

  /** The warehouse location for this test, e.g. a local path or an s3:// URI. */
  abstract String warehouse() throws Exception;

  /** The lake sink as this warehouse needs it (e.g. with the object store). */
  LakeSink onWarehouse(LakeSink lake) {
    return lake;
  }

  /** The Secrets directory the worker reads: the catalog's, plus what the warehouse needs. */
  Path secrets(Path catalogSecrets) throws Exception {
    return catalogSecrets;
  }

  /** The table as PyIceberg reads it: rows, snapshots with summaries, data file locations. */
  abstract JsonNode readBack() throws Exception;

  @BeforeEach
  void input() throws Exception {
    catalogUrl = Postgres.shared().newDatabase();
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
    plan.secretsDir = secrets(Postgres.writeSecrets(dir.resolve("secrets"))).toString();
    plan.runId = RUN_ID;
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
            onWarehouse(
                LakeSink.iceberg(warehouse(), new IcebergTable(TABLE, catalog), List.of("day"))));
  }

  /** Runs the plan in a child JVM held at the {@code nth} call, then kills it there. */
  void killAt(String caller, String callerMethod, String callee, String calleeMethod, int nth)
      throws Exception {
    try (ChildDebugger debugger = ChildDebugger.listen(RunPlanInChildJvm.LOG)) {
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

  void assertCompleteAndNotDoubled(JsonNode table) throws Exception {
    assertThat(table.get("rows")).hasSize(RECORDS);
    Set<Long> ids = new HashSet<>();
    table.get("rows").forEach(r -> ids.add(r.get("id").asLong()));
    assertThat(ids).hasSize(RECORDS);
    assertThat(table.get("snapshots")).hasSize(1);
    assertThat(table.get("snapshots").get(0).get("summary").get("tributary.run-id").asText())
        .isEqualTo(RUN_ID);
    String warehouse = warehouse();
    assertThat(table.get("dataFiles")).allMatch(f -> f.asText().contains(warehouse + "/"));
  }

  /**
   * Killed inside the catalog commit: the new metadata file is written, the catalog's pointer not
   * yet swapped. Readers see no snapshot; the retry writes and commits the run once.
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
    // IcebergWriter.commit refreshes the table before its commit and once after it.
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

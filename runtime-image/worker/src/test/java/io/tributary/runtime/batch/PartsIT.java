package io.tributary.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.JdbcSource;
import io.tributary.runtime.TerminationMessage;
import io.tributary.runtime.testing.Postgres;
import io.tributary.runtime.testing.SeaweedFs;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DataPipeline run split into parts (compute.parallelism 3), each index run as its own worker the
 * way the pods of the Indexed Job run it: parts 0-2 read their share of a real PostgreSQL table
 * (customer_id mod 3) and stage it, index 3 waits for them and publishes all parts at once. One
 * part is killed with SIGKILL in the middle of its write and run again: every row lands exactly
 * once.
 */
class PartsIT {
  static final int ROWS = 3_000;
  static final int PARTS = 3;

  @TempDir Path dir;
  String url;
  Path secrets;

  @BeforeEach
  void database() throws Exception {
    url = Postgres.shared().newDatabase();
    secrets = Postgres.writeSecrets(dir.resolve("secrets"));
    // ids 1..ROWS-3, a negative one, and two without an id: every one must land once.
    Postgres.sql(
        url,
        "CREATE TABLE customers (customer_id bigint, country text, segment text)",
        "INSERT INTO customers SELECT g, CASE WHEN g % 2 = 0 THEN 'AE' ELSE 'SA' END,"
            + " 'segment-' || (g % 5) FROM generate_series(1, "
            + (ROWS - 3)
            + ") g",
        "INSERT INTO customers VALUES (-7, 'AE', 'negative'), (NULL, 'SA', 'no id'),"
            + " (NULL, 'AE', 'no id either')",
        // A gate a test can close: reading the row with id 2995 (part 1's, after a first batch of
        // 512 of its rows) waits for the
        // advisory lock 4242 while the test holds it.
        "CREATE FUNCTION gate(id bigint) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$"
            + " BEGIN IF id = 2995 THEN PERFORM pg_advisory_lock_shared(4242);"
            + " PERFORM pg_advisory_unlock_shared(4242); END IF; RETURN true; END $$");
  }

  BatchPlans plan(SinkSpec sink, String runId) {
    BatchPlans p = new BatchPlans();
    p.runId = runId;
    p.secretsDir = secrets.toString();
    p.source =
        SourceSpec.of(
            new JdbcSource(
                url,
                null,
                "SELECT * FROM customers WHERE gate(customer_id)",
                new SecretKeyRef("db", "user"),
                new SecretKeyRef("db", "password"),
                "customer_id",
                null,
                50, // small fetches: a part writes rows before it reaches the gate
                null));
    p.schema =
        new SchemaSpec(
            List.of(
                SchemaSpec.Field.of("customer_id", SchemaSpec.Type.INTEGER),
                SchemaSpec.Field.of("country", SchemaSpec.Type.STRING),
                SchemaSpec.Field.of("segment", SchemaSpec.Type.STRING)),
            null);
    p.sink = sink;
    p.parallelism = PARTS;
    return p;
  }

  static SinkSpec localLake(Path path) {
    return SinkSpec.of(new LakeSink(path.toString(), FileFormat.PARQUET, List.of("country")));
  }

  static void assertEveryRowOnce(List<ObjectNode> rows) {
    assertThat(rows).hasSize(ROWS);
    assertThat(rows.stream().filter(r -> !r.get("customer_id").isNull()))
        .extracting(r -> r.get("customer_id").asLong())
        .hasSize(ROWS - 2)
        .doesNotHaveDuplicates()
        .contains(-7L, 1L, 1501L, (long) ROWS - 3);
    assertThat(rows).filteredOn(r -> r.get("customer_id").isNull()).hasSize(2);
  }

  /**
   * The commit index starts first, as all indexes of the Job do, and waits: nothing is visible
   * while only some parts are staged; once the last one is, all appear at once, with the parts'
   * counts added up. A part or commit run again (a pod Kubernetes retries after it finished its
   * work) reports what was done and writes nothing twice.
   */
  @Test
  void threePartsAppearAtOnceWithTheirCountsAddedUp() throws Exception {
    Path dataset = dir.resolve("lake/customers");
    WorkerPlan plan = plan(localLake(dataset), "run-3").build();
    assertThat(plan.run().parts()).isEqualTo(PARTS);

    CompletableFuture<BatchPlans.Outcome> commit = runAsync(plan, PARTS);
    BatchPlans.Outcome p0 = BatchPlans.run(plan, dir, 0);
    BatchPlans.Outcome p1 = BatchPlans.run(plan, dir, 1);
    assertThat(List.of(p0.exitCode(), p1.exitCode())).containsOnly(ExitCodes.OK);
    assertThat(BatchPlans.dataFiles(dataset)).isEmpty();
    assertThat(commit).isNotDone();

    BatchPlans.Outcome p2 = BatchPlans.run(plan, dir, 2);
    assertThat(p2.exitCode()).isEqualTo(ExitCodes.OK);
    BatchPlans.Outcome done = commit.get(2, TimeUnit.MINUTES);

    assertThat(done.exitCode()).isEqualTo(ExitCodes.OK);
    long read = p0.summary().recordsRead() + p1.summary().recordsRead();
    read += p2.summary().recordsRead();
    assertThat(read).isEqualTo(ROWS);
    assertThat(List.of(p0, p1, p2))
        .allSatisfy(p -> assertThat(p.summary().recordsRead()).isPositive());
    assertThat(done.summary().recordsRead()).isEqualTo(ROWS);
    assertThat(done.summary().recordsWritten()).isEqualTo(ROWS);
    assertThat(done.summary().steps())
        .filteredOn(s -> s.step().equals("sink"))
        .singleElement()
        .satisfies(s -> assertThat(s.out()).isEqualTo(ROWS));
    assertEveryRowOnce(BatchPlans.lakeRecords(dataset));
    assertThat(dataset.resolve("_SUCCESS")).exists();
    assertThat(dataset.resolve("_staging")).isEmptyDirectory();

    List<Path> files = BatchPlans.dataFiles(dataset);
    BatchPlans.Outcome again = BatchPlans.run(plan, dir, 1);
    BatchPlans.Outcome commitAgain = BatchPlans.run(plan, dir, PARTS);
    assertThat(List.of(again.exitCode(), commitAgain.exitCode())).containsOnly(ExitCodes.OK);
    assertThat(commitAgain.summary().recordsWritten()).isEqualTo(ROWS);
    assertThat(BatchPlans.dataFiles(dataset)).isEqualTo(files);
    assertEveryRowOnce(BatchPlans.lakeRecords(dataset));
  }

  /**
   * Part 1 is killed (SIGKILL, like a deleted pod) after it staged some files and while it waits
   * for more rows; Kubernetes starts the index again, which replaces its own staged files. The
   * commit publishes every row once.
   */
  @Test
  void aPartKilledMidWriteIsRunAgainAndNothingDoubles() throws Exception {
    Path dataset = dir.resolve("lake/customers");
    WorkerPlan plan = plan(localLake(dataset), "run-9").build();
    Path planFile = dir.resolve("plan.json");
    Files.writeString(planFile, PlanJson.write(plan));
    Path part1Staging = dataset.resolve("_staging/run-9/attempt-1/part-00001");

    try (Connection gate = DriverManager.getConnection(url, "postgres", "");
        Statement s = gate.createStatement()) {
      s.execute("SELECT pg_advisory_lock(4242)");
      Process part1 = startIndex(planFile, 1);
      try {
        await()
            .atMost(Duration.ofMinutes(2))
            .failFast("part 1 ended before the gate", () -> !part1.isAlive())
            .until(() -> !parquetFiles(part1Staging).isEmpty());
        part1.destroyForcibly();
        assertThat(part1.waitFor(1, TimeUnit.MINUTES)).isTrue();
      } finally {
        part1.destroyForcibly();
      }
      s.execute("SELECT pg_advisory_unlock(4242)");
    }
    assertThat(parquetFiles(part1Staging)).isNotEmpty(); // what the killed attempt left
    assertThat(BatchPlans.dataFiles(dataset)).isEmpty();

    CompletableFuture<BatchPlans.Outcome> commit = runAsync(plan, PARTS);
    for (int part = 0; part < PARTS; part++) {
      assertThat(BatchPlans.run(plan, dir, part).exitCode()).isEqualTo(ExitCodes.OK);
    }
    BatchPlans.Outcome done = commit.get(2, TimeUnit.MINUTES);
    assertThat(done.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(done.summary().recordsRead()).isEqualTo(ROWS);
    assertEveryRowOnce(BatchPlans.lakeRecords(dataset));
  }

  /** The same run on an S3-compatible store: parts staged as objects, published by one commit. */
  @Test
  void threePartsIntoAnS3LakeAppearOnceEach() throws Exception {
    SeaweedFs store = SeaweedFs.shared();
    String bucket = "parts-" + UUID.randomUUID().toString().substring(0, 8);
    store.createBucket(bucket);
    SeaweedFs.writeSecrets(secrets);
    SinkSpec sink =
        SinkSpec.of(
            new LakeSink("s3://" + bucket + "/customers", FileFormat.PARQUET, List.of("country"))
                .withS3(store.store()));
    WorkerPlan plan = plan(sink, "run-s3").build();

    CompletableFuture<BatchPlans.Outcome> commit = runAsync(plan, PARTS);
    for (int part = PARTS - 1; part >= 0; part--) {
      assertThat(BatchPlans.run(plan, dir, part).exitCode()).isEqualTo(ExitCodes.OK);
    }
    BatchPlans.Outcome done = commit.get(2, TimeUnit.MINUTES);
    assertThat(done.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(done.summary().recordsWritten()).isEqualTo(ROWS);

    Path local = Files.createTempDirectory(dir, "mirror-");
    for (String key : store.keys(bucket, "customers/")) {
      Path f = local.resolve(key.substring("customers/".length()));
      Files.createDirectories(f.getParent());
      Files.write(f, store.get(bucket, key));
    }
    assertEveryRowOnce(BatchPlans.lakeRecords(local));
    assertThat(local.resolve("_runs/run-s3.json")).exists();
    assertThat(store.keys(bucket, "customers/_staging/")).isEmpty();
  }

  /** A plan whose run is split into parts refuses to run without --part, and out of range. */
  @Test
  void anIndexOutsideTheRunIsAnInvalidPlan() throws Exception {
    WorkerPlan plan = plan(localLake(dir.resolve("lake/x")), "run-1").build();
    BatchPlans.Outcome none = BatchPlans.run(plan, dir, null);
    assertThat(none.exitCode()).isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(none.summary().message()).contains("start each pod with --part <index>");
    BatchPlans.Outcome beyond = BatchPlans.run(plan, dir, PARTS + 1);
    assertThat(beyond.exitCode()).isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(beyond.summary().message()).contains("out of range 0 to 3");
  }

  private CompletableFuture<BatchPlans.Outcome> runAsync(WorkerPlan plan, int index) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return BatchPlans.run(plan, dir, index);
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        });
  }

  /** The container's entry point, {@code run --plan <file> --part <index>}, in a child JVM. */
  private Process startIndex(Path planFile, int index) throws IOException {
    Path target = Path.of("target");
    String cp =
        target.resolve("test-classes")
            + File.pathSeparator
            + target.resolve("classes")
            + File.pathSeparator
            + Files.readString(target.resolve("test-classpath.txt")).trim();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx512m", "-cp", cp, "io.tributary.runtime.Main"));
    cmd.addAll(List.of("run", "--plan", planFile.toString(), "--part", String.valueOf(index)));
    ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
    pb.environment()
        .put(TerminationMessage.ENV_PATH, dir.resolve("termination-" + index).toString());
    return pb.start();
  }

  private static List<Path> parquetFiles(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).toList();
    }
  }
}

package io.tributary.runtime.batch;

import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.ObjectStore;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SchemaSpec.Type;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.IcebergTable;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.JdbcSource;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.NormalizeTransform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Not a test: the Java side of {@code runtime-image/worker/bench-batch.sh}, which owns the
 * PostgreSQL server, the table and the other columns of the comparison.
 *
 * <ul>
 *   <li>{@code plan <jdbc url> <dir> <partitions>} compiles the benchmark's DataPipeline (jdbc
 *       {@code payments} → normalize → mask → Parquet lake at {@code <dir>/lake/payments}) as the
 *       operator would and writes {@code <dir>/plan.json} and its secret files, for the cold runs
 *       ({@code java -jar tributary-worker.jar run --plan <dir>/plan.json});
 *   <li>{@code plan-s3 <jdbc url> <dir> <partitions> <s3 endpoint> <catalog jdbc url> <round>}
 *       writes the same pipeline with the lake on the S3 store: {@code <dir>/plan-s3-<round>.json}
 *       (Parquet under {@code s3://bench/lake-<round>/payments}) and {@code
 *       <dir>/plan-iceberg-<round>.json} (Iceberg table {@code bench.payments_<round>} in the JDBC
 *       catalog at {@code <catalog jdbc url>}, warehouse {@code s3://bench/warehouse}). A plan per
 *       round, with its own run id and location, so no round finds the previous one's commit;
 *   <li>{@code warm <plan.json> <runs> <rows>} runs that plan {@code runs} times in this JVM, the
 *       lake emptied before each run, and prints one line {@code warm <seconds>} per run: the
 *       script takes the last, when the JIT has seen the whole path.
 * </ul>
 */
public final class BatchBenchmark {
  private BatchBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("plan")) {
      writePlan(args[1], Path.of(args[2]), Integer.parseInt(args[3]));
    } else if (args.length == 7 && args[0].equals("plan-s3")) {
      writeS3Plans(args[1], Path.of(args[2]), Integer.parseInt(args[3]), args[4], args[5], args[6]);
    } else if (args.length == 4 && args[0].equals("warm")) {
      warm(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
    } else {
      System.err.println(
          "usage: BatchBenchmark plan <jdbc url> <dir> <partitions>"
              + " | plan-s3 <jdbc url> <dir> <partitions> <s3 endpoint> <catalog url> <round>"
              + " | warm <plan.json> <runs> <rows>");
      System.exit(2);
    }
    System.exit(0);
  }

  private static void writePlan(String url, Path dir, int partitions) throws IOException {
    BatchPlans p = pipeline(url, dir, partitions);
    p.sink = BatchPlans.lake(dir.resolve("lake/payments"), FileFormat.PARQUET);
    Files.writeString(dir.resolve("plan.json"), PlanJson.write(p.build()));
  }

  /**
   * The benchmark credentials of bench-batch.sh's SeaweedFS (its {@code seaweedfs.sh config}) and
   * of the catalog (trust auth: the password is not checked).
   */
  private static void writeS3Plans(
      String url, Path dir, int partitions, String endpoint, String catalogUrl, String round)
      throws IOException {
    Path secrets = dir.resolve("secrets");
    Files.createDirectories(secrets.resolve("s3"));
    Files.writeString(secrets.resolve("s3/access-key-id"), "bench");
    Files.writeString(secrets.resolve("s3/secret-access-key"), "bench-secret");
    Files.writeString(secrets.resolve("db/password"), "unused-with-trust-auth");
    ObjectStore store =
        ObjectStore.at(
            endpoint,
            new SecretKeyRef("s3", "access-key-id"),
            new SecretKeyRef("s3", "secret-access-key"));

    BatchPlans files = pipeline(url, dir, partitions);
    files.runId = "bench-s3-" + round;
    files.sink =
        SinkSpec.of(
            new LakeSink("s3://bench/lake-" + round + "/payments", FileFormat.PARQUET, null)
                .withS3(store));
    Files.writeString(dir.resolve("plan-s3-" + round + ".json"), PlanJson.write(files.build()));

    BatchPlans iceberg = pipeline(url, dir, partitions);
    iceberg.runId = "bench-iceberg-" + round;
    IcebergTable.Catalog catalog =
        IcebergTable.Catalog.of(catalogUrl)
            .withUserSecretRef(new SecretKeyRef("db", "user"))
            .withPasswordSecretRef(new SecretKeyRef("db", "password"));
    iceberg.sink =
        SinkSpec.of(
            LakeSink.iceberg(
                    "s3://bench/warehouse",
                    new IcebergTable("bench.payments_" + round, catalog),
                    null)
                .withS3(store));
    Files.writeString(
        dir.resolve("plan-iceberg-" + round + ".json"), PlanJson.write(iceberg.build()));
  }

  /** jdbc {@code payments} → normalize → mask, the sink left to the caller. */
  private static BatchPlans pipeline(String url, Path dir, int partitions) throws IOException {
    Path secrets = dir.resolve("secrets");
    Files.createDirectories(secrets.resolve("mask"));
    Files.writeString(secrets.resolve("mask/key"), "benchmark-key");
    Files.createDirectories(secrets.resolve("db"));
    Files.writeString(secrets.resolve("db/user"), "postgres");
    BatchPlans p = new BatchPlans();
    p.runId = "bench";
    p.secretsDir = secrets.toString();
    p.source =
        SourceSpec.of(
            JdbcSource.table(url, "payments")
                .withUserSecretRef(new SecretKeyRef("db", "user"))
                .withPartitionColumn("id")
                .withPartitions(partitions)
                .withFetchSize(10_000));
    p.schema = paymentsSchema();
    p.transforms =
        List.of(
            normalizeEmailAndCountry(),
            TransformSpec.of(
                new MaskTransform(
                    new SecretKeyRef("mask", "key"),
                    List.of(
                        MaskTransform.Field.of("email", MaskTransform.Method.HMAC),
                        new MaskTransform.Field(
                            "phone", MaskTransform.Method.KEEP_LAST, 4, null, null)))));
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.0);
    return p;
  }

  private static void warm(Path planFile, int runs, long rows) throws Exception {
    WorkerPlan plan = PlanJson.readPlan(planFile);
    Path dir = planFile.getParent();
    Path lake = dir.resolve("lake");
    for (int i = 0; i < runs; i++) {
      deleteTree(lake);
      long t0 = System.nanoTime();
      BatchPlans.Outcome o = BatchPlans.run(plan, dir);
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (o.exitCode() != ExitCodes.OK || o.summary().recordsWritten() != rows) {
        throw new IllegalStateException("benchmark run failed: " + o.summary());
      }
      System.out.printf("warm %.3f%n", seconds);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The benchmark table's columns: shared with the image's class-data-sharing training run. */
  static SchemaSpec paymentsSchema() {
    return new SchemaSpec(
        List.of(
            BatchPlans.field("id", Type.INTEGER),
            BatchPlans.field("customer_id", Type.STRING),
            BatchPlans.field("email", Type.STRING),
            BatchPlans.field("phone", Type.STRING),
            BatchPlans.field("amount", Type.NUMBER),
            BatchPlans.field("currency", Type.STRING),
            BatchPlans.field("country", Type.STRING),
            BatchPlans.field("created_at", Type.TIMESTAMP),
            BatchPlans.field("status", Type.STRING),
            BatchPlans.field("note", Type.STRING)),
        null);
  }

  /** Trim and case e-mail and country, as a data engineer would before masking. */
  static TransformSpec normalizeEmailAndCountry() {
    return TransformSpec.of(
        new NormalizeTransform(
            List.of(
                NormalizeTransform.Rule.of("email")
                    .withTrim(true)
                    .withCase(NormalizeTransform.Case.LOWER),
                NormalizeTransform.Rule.of("country")
                    .withTrim(true)
                    .withCase(NormalizeTransform.Case.UPPER))));
  }
}

package io.tributary.runtime.batch;

import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SchemaSpec.Type;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.source.JdbcSource;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.NormalizeTransform;
import io.tributary.runtime.testing.Postgres;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Not a test: PostgreSQL table → normalize + mask → Parquet lake, against the limit of reading the
 * same table out with {@code COPY (SELECT ...) TO STDOUT (FORMAT csv)} into a file, side by side in
 * one run on a private PostgreSQL. Prints rows/s of both and the ratio (target ≥ 0.5).
 *
 * <p>Run: see runtime-image/README.md, section Batch. Arguments: rows (default 1000000), rounds
 * (default 2; the best round of each side counts, the first one warms the JIT), partitions of the
 * jdbc read (default 2).
 */
public final class BatchBenchmark {
  private BatchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Path dir = Files.createTempDirectory("tributary-bench-");
    String url = Postgres.shared().newDatabase();
    System.out.printf("loading %,d rows of 10 columns into PostgreSQL...%n", rows);
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE payments (id bigint PRIMARY KEY, customer_id text, email text, phone text,"
              + " amount numeric(12,2), currency text, country text, created_at timestamptz,"
              + " status text, note text)");
      s.execute(
          "INSERT INTO payments SELECT g, 'cust-' || (g % 50000),"
              + " '  User' || g || '@Example.COM ', '+9715' || lpad((g % 10000000)::text, 8, '0'),"
              + " (g % 100000) / 100.0, 'AED', (ARRAY['ae','sa','om','qa'])[1 + g % 4],"
              + " timestamptz '2026-01-01T00:00:00Z' + g * interval '1 second',"
              + " (ARRAY['paid','refunded','pending'])[1 + g % 3], 'order ' || g"
              + " FROM generate_series(1, "
              + rows
              + ") g");
      s.execute("VACUUM ANALYZE payments");
    }
    Path secrets = dir.resolve("secrets");
    Files.createDirectories(secrets.resolve("mask"));
    Files.writeString(secrets.resolve("mask/key"), "benchmark-key");
    Files.createDirectories(secrets.resolve("db"));
    Files.writeString(secrets.resolve("db/user"), "postgres");

    double bestCopy = Double.MAX_VALUE;
    double bestOurs = Double.MAX_VALUE;
    for (int round = 1; round <= rounds; round++) {
      double copy = copyToCsv(url, dir.resolve("copy-" + round + ".csv"));
      double ours = pipeline(url, dir, secrets, "bench-" + round, rows, partitions);
      System.out.printf("round %d: COPY %.2fs, pipeline %.2fs%n", round, copy, ours);
      bestCopy = Math.min(bestCopy, copy);
      bestOurs = Math.min(bestOurs, ours);
    }
    double copyRate = rows / bestCopy;
    double oursRate = rows / bestOurs;
    System.out.println();
    System.out.printf(
        "| %-52s | %10s | %12s |%n", "path (best of " + rounds + " rounds)", "seconds", "rows/s");
    System.out.printf("|%s|%s|%s|%n", "-".repeat(54), "-".repeat(12), "-".repeat(14));
    System.out.printf(
        "| %-52s | %10.2f | %,12.0f |%n",
        "COPY (SELECT *) TO STDOUT (FORMAT csv) -> file", bestCopy, copyRate);
    System.out.printf(
        "| %-52s | %10.2f | %,12.0f |%n",
        "jdbc -> normalize + mask -> Parquet lake (tributary)", bestOurs, oursRate);
    System.out.printf("ratio pipeline/COPY = %.2f (target >= 0.5)%n", oursRate / copyRate);
    Postgres.shared().stop();
    System.exit(0);
  }

  private static double copyToCsv(String url, Path file) throws Exception {
    long t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyOut("COPY (SELECT * FROM payments) TO STDOUT (FORMAT csv)", out);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double pipeline(
      String url, Path dir, Path secrets, String runId, int rows, int partitions) throws Exception {
    BatchPlans p = new BatchPlans();
    p.runId = runId;
    p.secretsDir = secrets.toString();
    p.source =
        SourceSpec.of(
            JdbcSource.table(url, "payments")
                .withUserSecretRef(new SecretKeyRef("db", "user"))
                .withPartitionColumn("id")
                .withPartitions(partitions)
                .withFetchSize(10_000));
    p.schema =
        new SchemaSpec(
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
    p.transforms =
        List.of(
            TransformSpec.of(
                new NormalizeTransform(
                    List.of(
                        NormalizeTransform.Rule.of("email")
                            .withTrim(true)
                            .withCase(NormalizeTransform.Case.LOWER),
                        NormalizeTransform.Rule.of("country")
                            .withTrim(true)
                            .withCase(NormalizeTransform.Case.UPPER)))),
            TransformSpec.of(
                new MaskTransform(
                    new SecretKeyRef("mask", "key"),
                    List.of(
                        MaskTransform.Field.of("email", MaskTransform.Method.HMAC),
                        new MaskTransform.Field(
                            "phone", MaskTransform.Method.KEEP_LAST, 4, null, null)))));
    p.deadLetter =
        new io.tributary.pipeline.DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.0);
    p.sink = BatchPlans.lake(dir.resolve("lake/payments"), FileFormat.PARQUET);
    long t0 = System.nanoTime();
    BatchPlans.Outcome o = p.run(dir);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (o.exitCode() != ExitCodes.OK || o.summary().recordsWritten() != rows) {
      throw new IllegalStateException("benchmark run failed: " + o.summary());
    }
    return seconds;
  }
}

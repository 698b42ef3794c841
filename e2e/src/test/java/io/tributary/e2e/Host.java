package io.tributary.e2e;

import java.time.Duration;
import java.util.List;

/** Commands on the host, beside the cluster: readers of what pipelines wrote. */
final class Host {
  private Host() {}

  /** Runs {@code cmd}; its standard output, or the test fails with what it said. */
  static String run(String... cmd) {
    Kubectl.Result r = Kubectl.exec(List.of(cmd), null, Duration.ofMinutes(5));
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.err());
    }
    return r.out();
  }

  /**
   * {@code sql}'s rows from the local cluster's PostgreSQL as role {@code user} (a demo role, its
   * password in config/quickstart/demo-secrets.yaml): one line per row, columns separated by a
   * space, no header.
   */
  static String psql(String user, String database, String sql) {
    return run(
        "env",
        "PGPASSWORD=demo-only-password",
        "psql",
        "-h",
        "10.244.0.1",
        "-U",
        user,
        "-d",
        database,
        "-tAF",
        " ",
        "-c",
        sql);
  }

  /**
   * The Iceberg table {@code table} of the samples' catalog (the cluster's PostgreSQL database
   * iceberg) with its warehouse at {@code warehouse} on the cluster's S3 store, as PyIceberg reads
   * it: rows, snapshots with their summaries, data files (read_table.py's JSON).
   */
  static String icebergTable(String warehouse, String table) {
    return run(
        pyIceberg(),
        Kubectl.repo().resolve("runtime-image/worker/src/test/pyiceberg/read_table.py").toString(),
        "postgresql+psycopg2://iceberg:demo-only-password@10.244.0.1:5432/iceberg",
        "tributary",
        warehouse,
        table,
        """
        {"s3.endpoint": "http://10.244.0.1:8333", "s3.access-key-id": "tributary-demo",
         "s3.secret-access-key": "demo-only-s3-secret", "s3.region": "us-east-1",
         "s3.force-virtual-addressing": false}""");
  }

  /** The python of PyIceberg's venv (installed once into .cache/ by its script). */
  static String pyIceberg() {
    return run(Kubectl.repo()
            .resolve("runtime-image/worker/src/test/pyiceberg/install.sh")
            .toString())
        .trim();
  }
}

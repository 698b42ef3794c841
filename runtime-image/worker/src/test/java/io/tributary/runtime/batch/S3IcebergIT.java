package io.tributary.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.runtime.testing.PyIceberg;
import io.tributary.runtime.testing.SeaweedFs;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An Iceberg table whose warehouse is on a real S3-compatible store (SeaweedFS), its catalog on a
 * real PostgreSQL: a run appends once, and a worker killed with SIGKILL while writing data files or
 * inside the catalog commit ({@link IcebergCrashCases}) is retried to exactly one snapshot with
 * every row once. PyIceberg reads the table back with its own S3 client (PyArrow's).
 */
class S3IcebergIT extends IcebergCrashCases {
  SeaweedFs store;
  String warehouse;

  @Override
  String warehouse() {
    if (warehouse == null) {
      store = SeaweedFs.shared();
      String bucket = "wh-" + UUID.randomUUID().toString().substring(0, 8);
      store.createBucket(bucket);
      warehouse = "s3://" + bucket + "/warehouse";
    }
    return warehouse;
  }

  @Override
  LakeSink onWarehouse(LakeSink lake) {
    return lake.withS3(store.store());
  }

  @Override
  Path secrets(Path catalogSecrets) throws Exception {
    return SeaweedFs.writeSecrets(catalogSecrets);
  }

  @Override
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
        "io.tributary.runtime.batch.sink.IcebergDataFiles",
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
}

package io.tributary.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.runtime.testing.ChildDebugger;
import io.tributary.runtime.testing.SeaweedFs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The lake on a real S3-compatible store (SeaweedFS): files read from s3:// objects, Parquet and
 * JSON Lines datasets written under an s3:// prefix with the commit protocol of {@code LakeCommit},
 * and a worker killed with SIGKILL while writing and while publishing, then retried: nothing lost,
 * nothing doubled, no partial partition visible. The dataset is checked by listing and reading the
 * objects back, with the SDK's own client, not the worker's code.
 */
class S3LakeIT {
  static final int RECORDS = 30_000;
  static final int DAYS = 5;
  static final int PAGE = 1_000;

  @TempDir Path dir;
  SeaweedFs store;
  String bucket;
  String runId;
  BatchPlans plan;

  @BeforeEach
  void bucketAndInput() throws Exception {
    store = SeaweedFs.shared();
    bucket = "lake-" + UUID.randomUUID().toString().substring(0, 8);
    store.createBucket(bucket);
    runId = "run-" + UUID.randomUUID().toString().substring(0, 8);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < RECORDS; i++) {
      lines.append(
          "{\"id\":" + i + ",\"day\":\"2026-11-2" + (i % DAYS) + "\",\"v\":" + (i * 3) + "}\n");
    }
    put("raw/events/part-1.jsonl", lines.toString());
    plan = new BatchPlans();
    plan.runId = runId;
    plan.secretsDir = SeaweedFs.writeSecrets(dir.resolve("secrets")).toString();
    plan.source = s3Files("s3://" + bucket + "/raw/events/*.jsonl", FileFormat.JSONL);
    plan.sink = s3Lake("curated/events", FileFormat.PARQUET, "day");
  }

  SourceSpec s3Files(String path, FileFormat format) {
    return SourceSpec.of(new FilesSource(path, format, null).withS3(store.store()));
  }

  SinkSpec s3Lake(String prefix, FileFormat format, String... partitionBy) {
    return SinkSpec.of(
        new LakeSink(
                "s3://" + bucket + "/" + prefix,
                format,
                partitionBy.length == 0 ? null : List.of(partitionBy))
            .withS3(store.store()));
  }

  void put(String key, String content) {
    try (S3Client s3 = store.client()) {
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
    }
  }

  /** Every object under {@code prefix}, copied into a local directory of the same layout. */
  Path mirror(String prefix) throws Exception {
    Path local = Files.createTempDirectory(dir, "mirror-");
    for (String key : store.keys(bucket, prefix + "/")) {
      Path f = local.resolve(key.substring(prefix.length() + 1));
      Files.createDirectories(f.getParent());
      Files.write(f, store.get(bucket, key));
    }
    return local;
  }

  /** The published data objects (not under _staging, _runs, or _rejected), by key. */
  List<String> dataKeys(String prefix) {
    return store.keys(bucket, prefix + "/").stream()
        .filter(k -> !k.substring(prefix.length() + 1).startsWith("_"))
        .filter(k -> !k.contains("/_"))
        .toList();
  }

  void assertCompleteAndNotDoubled(String prefix) throws Exception {
    Path local = mirror(prefix);
    List<ObjectNode> rows = BatchPlans.lakeRecords(local);
    assertThat(rows).extracting(r -> r.get("id").asLong()).hasSize(RECORDS).doesNotHaveDuplicates();
    assertThat(local.resolve("_SUCCESS")).exists();
    assertThat(local.resolve("_runs/" + runId + ".json")).exists();
    assertThat(store.keys(bucket, prefix + "/_staging/")).isEmpty();
  }

  /** Every visible partition holds exactly its share of the records: none is half there. */
  void assertNoPartialPartition(String prefix) throws Exception {
    Map<String, Long> perDay =
        BatchPlans.lakeRecords(mirror(prefix)).stream()
            .collect(Collectors.groupingBy(r -> r.get("day").asText(), Collectors.counting()));
    assertThat(perDay.values()).allMatch(n -> n == RECORDS / DAYS);
  }

  @Test
  void filesFromS3ToAParquetDatasetOnS3() throws Exception {
    BatchPlans.Outcome run = plan.run(dir);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.summary().recordsWritten()).isEqualTo(RECORDS);
    assertCompleteAndNotDoubled("curated/events");
    assertThat(dataKeys("curated/events"))
        .hasSize(DAYS)
        .allMatch(
            k -> k.matches("curated/events/day=2026-11-2\\d/part-" + runId + "-\\d{5}\\.parquet"));
    assertNoPartialPartition("curated/events");

    // A second run of the same run id (the Job's retry after a lost report) changes nothing.
    assertThat(plan.run(dir).exitCode()).isEqualTo(ExitCodes.OK);
    assertCompleteAndNotDoubled("curated/events");
    assertThat(dataKeys("curated/events")).hasSize(DAYS);
  }

  @Test
  void jsonLinesWithARejectDeadLetteredToTheStore() throws Exception {
    put("raw/bad/a.jsonl", "{\"id\":1,\"day\":\"d1\"}\nnot json\n{\"id\":2,\"day\":\"d2\"}\n");
    plan.source = s3Files("s3://" + bucket + "/raw/bad", FileFormat.JSONL);
    plan.sink = s3Lake("curated/bad", FileFormat.JSONL);
    plan.deadLetter = new DeadLetterSpec(null, null, 0.5);

    BatchPlans.Outcome run = plan.run(dir);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.summary().recordsWritten()).isEqualTo(2);
    List<String> data = dataKeys("curated/bad");
    assertThat(data).hasSize(1);
    assertThat(new String(store.get(bucket, data.get(0)), StandardCharsets.UTF_8).lines())
        .containsExactly("{\"id\":1,\"day\":\"d1\"}", "{\"id\":2,\"day\":\"d2\"}");
    String rejected =
        new String(
            store.get(bucket, "curated/bad/_rejected/" + runId + ".jsonl"), StandardCharsets.UTF_8);
    assertThat(rejected).contains("a.jsonl line 2").contains("not json");
  }

  @Test
  void wrongCredentialsFailTheRunNamingTheObjectAndNotTheSecret() throws Exception {
    Files.writeString(dir.resolve("secrets/s3/secret-access-key"), "not-the-secret");

    BatchPlans.Outcome run = plan.run(dir);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(run.summary().message())
        .contains("s3://" + bucket)
        .contains("refused the credentials of sink.lake.s3")
        .doesNotContain("not-the-secret");
    assertThat(store.keys(bucket, "curated/")).isEmpty();
  }

  /**
   * The source stalls after 20 of 30 pages: the worker has written those records into local staging
   * files and nothing is in the store's dataset when it is killed. The retry writes all.
   */
  @Test
  void crashWhileWritingThenRetry() throws Exception {
    try (LakeCrashRetryIT.EventsApi api = new LakeCrashRetryIT.EventsApi(RECORDS / PAGE, 21)) {
      BatchPlans fromApi = new BatchPlans();
      fromApi.runId = runId;
      fromApi.secretsDir = plan.secretsDir;
      fromApi.sink = plan.sink;
      fromApi.source =
          PlanJson.mapper()
              .readValue(
                  """
                  {"http": {"url": "%s", "requestsPerSecond": 0,
                            "pagination": {"type": "page", "pageSize": %d}}}
                  """
                      .formatted(api.url(), PAGE),
                  SourceSpec.class);

      Process worker = RunPlanInChildJvm.start(fromApi, dir);
      try {
        await()
            .atMost(Duration.ofMinutes(2))
            .failFast("the worker ended before the source stalled", () -> !worker.isAlive())
            .until(api::stalled);
        worker.destroyForcibly(); // SIGKILL, while the worker waits for page 21
        assertThat(worker.waitFor(1, TimeUnit.MINUTES)).isTrue();
      } finally {
        worker.destroyForcibly();
        api.resume();
      }

      assertThat(worker.exitValue()).isEqualTo(137);
      assertThat(api.pagesServed()).isEqualTo(20);
      assertThat(store.keys(bucket, "curated/")).isEmpty();

      BatchPlans.Outcome retry = fromApi.run(dir);

      assertThat(retry.exitCode()).isEqualTo(ExitCodes.OK);
      assertThat(retry.summary().recordsWritten()).isEqualTo(RECORDS);
      assertCompleteAndNotDoubled("curated/events");
    }
  }

  /**
   * Killed between two server-side copies of the commit: the files and the manifest are staged in
   * the store and two of the five partition files are published. The retry finishes the commit from
   * the manifest, without the source.
   */
  @Test
  void crashWhilePublishingThenRetryFinishesTheCommitWithoutReadingAgain() throws Exception {
    try (ChildDebugger debugger = ChildDebugger.listen(RunPlanInChildJvm.LOG)) {
      Process worker = RunPlanInChildJvm.start(plan, dir, debugger.agentOption());
      try {
        debugger.runUntilCall(
            "io.tributary.runtime.batch.sink.S3LakeStorage",
            "publish",
            "io.tributary.runtime.storage.S3Objects",
            "copy",
            3);
        worker.destroyForcibly(); // SIGKILL, with two files copied and the third not
        assertThat(worker.waitFor(1, TimeUnit.MINUTES)).isTrue();
      } finally {
        worker.destroyForcibly();
      }
      assertThat(worker.exitValue()).isEqualTo(137);
    }

    assertThat(dataKeys("curated/events")).hasSize(2);
    assertNoPartialPartition("curated/events");
    assertThat(store.keys(bucket, "curated/events/_SUCCESS")).isEmpty();
    assertThat(store.keys(bucket, "curated/events/_staging/" + runId + "/_COMMIT")).hasSize(1);

    try (S3Client s3 = store.client()) { // the retry must not need the source again
      s3.deleteObject(b -> b.bucket(bucket).key("raw/events/part-1.jsonl"));
    }
    BatchPlans.Outcome retry = plan.run(dir);

    assertThat(retry.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(retry.summary().recordsWritten()).isEqualTo(RECORDS);
    assertCompleteAndNotDoubled("curated/events");
    assertNoPartialPartition("curated/events");
    assertThat(dataKeys("curated/events")).hasSize(DAYS);

    BatchPlans.Outcome again = plan.run(dir);
    assertThat(again.exitCode()).isEqualTo(ExitCodes.OK);
    assertCompleteAndNotDoubled("curated/events");
  }
}

package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.files;
import static io.tributary.runtime.batch.BatchPlans.lake;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.plan.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process that dies in the middle of a lake write, then its retry (same run id, as the
 * Job's next pod): the output is complete and nothing is doubled, and while the dead attempt's
 * files lie around no reader sees a partial partition.
 */
class LakeCrashRetryIT {
  static final int RECORDS = 30_000;
  static final int DAYS = 5;
  @TempDir Path dir;
  Path dataset;
  BatchPlans plan;

  @BeforeEach
  void input() throws Exception {
    Path in = dir.resolve("events.jsonl");
    try (var w = Files.newBufferedWriter(in)) {
      for (int i = 0; i < RECORDS; i++) {
        w.write(
            "{\"id\":" + i + ",\"day\":\"2026-11-2" + (i % DAYS) + "\",\"v\":" + (i * 3) + "}\n");
      }
    }
    dataset = dir.resolve("lake/events");
    BatchPlans p = new BatchPlans();
    p.runId = "run-7";
    p.source = files(in, FileFormat.JSONL);
    p.sink = lake(dataset, FileFormat.PARQUET, "day");
    plan = p;
  }

  private void assertCompleteAndNotDoubled() throws Exception {
    List<ObjectNode> rows = BatchPlans.lakeRecords(dataset);
    assertThat(rows).extracting(r -> r.get("id").asLong()).hasSize(RECORDS).doesNotHaveDuplicates();
    assertThat(dataset.resolve("_SUCCESS")).exists();
    assertThat(dataset.resolve("_staging/run-7")).doesNotExist();
  }

  /** Every visible partition holds exactly its share of the records: none is half there. */
  private void assertNoPartialPartition() throws Exception {
    Map<String, Long> perDay =
        BatchPlans.lakeRecords(dataset).stream()
            .collect(Collectors.groupingBy(r -> r.get("day").asText(), Collectors.counting()));
    assertThat(perDay.values()).allMatch(n -> n == RECORDS / DAYS);
  }

  @Test
  void crashWhileWritingThenRetry() throws Exception {
    int crashed = RunPlanInChildJvm.run(plan, dir, "tributary.test.haltAfterRecords=20000");

    assertThat(crashed).isEqualTo(137);
    assertThat(BatchPlans.dataFiles(dataset)).isEmpty();
    try (Stream<Path> staged = Files.walk(dataset.resolve("_staging/run-7"))) {
      assertThat(staged.filter(f -> f.toString().endsWith(".parquet"))).isNotEmpty();
    }

    BatchPlans.Outcome retry = plan.run(dir);

    assertThat(retry.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(retry.summary().recordsWritten()).isEqualTo(RECORDS);
    assertCompleteAndNotDoubled();
  }

  @Test
  void crashWhilePublishingThenRetryFinishesTheCommitWithoutReadingAgain() throws Exception {
    int crashed = RunPlanInChildJvm.run(plan, dir, "tributary.test.haltAfterPublishedFiles=2");

    assertThat(crashed).isEqualTo(137);
    assertThat(BatchPlans.dataFiles(dataset)).hasSize(2);
    assertNoPartialPartition();
    assertThat(dataset.resolve("_SUCCESS")).doesNotExist();

    Files.delete(dir.resolve("events.jsonl")); // the retry must not need the source again
    BatchPlans.Outcome retry = plan.run(dir);

    assertThat(retry.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(retry.summary().recordsWritten()).isEqualTo(RECORDS);
    assertCompleteAndNotDoubled();
    assertNoPartialPartition();

    BatchPlans.Outcome again = plan.run(dir);
    assertThat(again.exitCode()).isEqualTo(ExitCodes.OK);
    assertCompleteAndNotDoubled();
  }
}

package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.files;
import static io.tributary.runtime.batch.BatchPlans.lake;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.runtime.TerminationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container's entry point runs a DataPipeline plan as the operator's Job does. */
class MainBatchIT {
  @TempDir Path dir;

  @Test
  void mainRunsADataPipelinePlanAndLeavesItsSummary() throws Exception {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(in, "{\"id\":1}\n{\"id\":2}\n");
    BatchPlans p = new BatchPlans();
    p.runId = "dp-20261126-0001";
    p.source = files(in, FileFormat.JSONL);
    p.sink = lake(dir.resolve("lake"), FileFormat.PARQUET);
    Path log = dir.resolve("termination-log");

    int code =
        RunPlanInChildJvm.runMain(p, dir, Map.of(TerminationMessage.ENV_PATH, log.toString()));

    assertThat(code).isEqualTo(ExitCodes.OK);
    RunSummary s = PlanJson.readSummary(Files.readString(log));
    assertThat(s.runId()).isEqualTo("dp-20261126-0001");
    assertThat(s.outcome()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(s.recordsWritten()).isEqualTo(2);
    assertThat(BatchPlans.lakeRecords(dir.resolve("lake"))).hasSize(2);
  }

  @Test
  void anInvalidPlanIsReportedWhereTheWorkerReportsAndFitsTheTerminationMessage() throws Exception {
    BatchPlans p = new BatchPlans();
    p.source = files(dir.resolve("in.jsonl"), FileFormat.JSONL);
    p.sink = lake(dir.resolve("lake"), FileFormat.PARQUET);
    ObjectNode plan = PlanJson.mapper().valueToTree(p.build());
    // A 10 KB expression that does not parse: the message quotes it, far past 4 KiB.
    String huge = "amount > " + "(".repeat(10_000);
    plan.withArray("transforms")
        .addObject()
        .put("name", "f")
        .putObject("filter")
        .put("expression", huge);
    Path file = dir.resolve("invalid-plan.json");
    Files.writeString(file, plan.toString());
    Path log = dir.resolve("termination-log");

    int code = RunPlanInChildJvm.runMain(file, Map.of(TerminationMessage.ENV_PATH, log.toString()));

    assertThat(code).isEqualTo(ExitCodes.INVALID_PLAN);
    String json = Files.readString(log);
    assertThat(json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(TerminationMessage.MAX_BYTES);
    RunSummary s = PlanJson.readSummary(json);
    assertThat(s.outcome()).isEqualTo(RunSummary.FAILED);
    assertThat(s.failure()).isEqualTo(RunSummary.PERMANENT);
    assertThat(s.message()).startsWith("plan " + file + ": transforms[0].filter.expression: ");
  }
}

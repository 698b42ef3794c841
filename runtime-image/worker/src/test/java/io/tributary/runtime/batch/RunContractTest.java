package io.tributary.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.runtime.PlanException;
import io.tributary.runtime.TerminationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class RunContractTest {

  @Test
  void aSummaryTooBigForTheTerminationMessageDropsStepsThenShortensTheMessage() throws Exception {
    List<RunSummary.StepCount> steps = new ArrayList<>();
    for (int i = 0; i < 200; i++) steps.add(new RunSummary.StepCount("step-number-" + i, i, i, 0));
    RunSummary big =
        new RunSummary(
            "run-1",
            RunSummary.FAILED,
            RunSummary.PERMANENT,
            "x".repeat(10_000),
            5,
            0,
            5,
            10,
            "2026-11-25T00:00:00",
            steps);

    String json = TerminationMessage.render(big);

    assertThat(json.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(TerminationMessage.MAX_BYTES);
    RunSummary back = PlanJson.readSummary(json);
    assertThat(back.steps()).isEmpty();
    assertThat(back.watermark()).isEqualTo("2026-11-25T00:00:00");
    assertThat(back.message()).startsWith("xxx").endsWith("...");
  }

  @Test
  void aSmallSummaryIsKeptWhole() throws Exception {
    RunSummary s =
        RunSummary.succeeded("r", 3, 3, 0, 1, List.of(new RunSummary.StepCount("source", 3, 3, 0)));
    assertThat(PlanJson.readSummary(TerminationMessage.render(s))).isEqualTo(s);
  }

  @Test
  void failuresAreClassifiedRetryableOrPermanent() {
    assertThat(Failures.exitCode(new SQLException("down", "08006"))).isEqualTo(ExitCodes.RETRYABLE);
    assertThat(Failures.exitCode(new SQLException("deadlock", "40P01")))
        .isEqualTo(ExitCodes.RETRYABLE);
    assertThat(Failures.exitCode(new SQLException("dup", "23505"))).isEqualTo(ExitCodes.PERMANENT);
    assertThat(Failures.exitCode(new SQLException("no table", "42P01")))
        .isEqualTo(ExitCodes.PERMANENT);
    assertThat(Failures.exitCode(new IOException(new ConnectException("refused"))))
        .isEqualTo(ExitCodes.RETRYABLE);
    assertThat(Failures.exitCode(new RuntimeException(new ConnectException("refused"))))
        .isEqualTo(ExitCodes.RETRYABLE);
    assertThat(Failures.exitCode(new UncheckedIOException(new MalformedInputException(1))))
        .isEqualTo(ExitCodes.PERMANENT);
    assertThat(Failures.exitCode(PlanException.at("sink.lake", "bad")))
        .isEqualTo(ExitCodes.INVALID_PLAN);
    assertThat(Failures.exitCode(new NullPointerException())).isEqualTo(ExitCodes.PERMANENT);
    assertThat(Failures.exitCode(RunFailure.retryable("503", null))).isEqualTo(ExitCodes.RETRYABLE);
  }

  /** Seen with a full SeaweedFS: a 500 after the SDK's own retries failed the run for good. */
  @Test
  void objectStoreFailuresAreRetryableUnlessTheStoreRefusesTheRequest() {
    assertThat(Failures.exitCode(new UncheckedIOException(new IOException(s3(500)))))
        .isEqualTo(ExitCodes.RETRYABLE);
    assertThat(Failures.exitCode(new RuntimeException(s3(503)))).isEqualTo(ExitCodes.RETRYABLE);
    assertThat(Failures.exitCode(s3(429))).isEqualTo(ExitCodes.RETRYABLE);
    assertThat(Failures.exitCode(SdkClientException.create("Unable to execute HTTP request")))
        .isEqualTo(ExitCodes.RETRYABLE);
    assertThat(Failures.exitCode(s3(403))).isEqualTo(ExitCodes.PERMANENT);
    assertThat(Failures.exitCode(s3(404))).isEqualTo(ExitCodes.PERMANENT);
  }

  private static S3Exception s3(int status) {
    return (S3Exception)
        S3Exception.builder().statusCode(status).message("status " + status).build();
  }

  @Test
  void theRunIdComesFromThePlan() throws Exception {
    BatchPlans p = new BatchPlans();
    p.runId = "from-plan";
    p.source =
        BatchPlans.files(
            java.nio.file.Path.of("/nonexistent/in.jsonl"), io.tributary.pipeline.FileFormat.JSONL);
    p.sink =
        BatchPlans.lake(
            java.nio.file.Path.of("/nonexistent/lake"), io.tributary.pipeline.FileFormat.JSONL);
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("contract");
    BatchPlans.Outcome o = p.run(dir);
    assertThat(o.summary().runId()).isEqualTo("from-plan");
    assertThat(o.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(o.summary().message()).contains("/nonexistent/in.jsonl");
  }

  @Test
  void aLineageEventThatCannotBeBuiltNeitherFailsTheRunNorLosesTheSummary() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("contract");
    BatchPlans p = new BatchPlans();
    // A URL the HTTP client and lineage's dataset naming both refuse (a space in the path): the
    // run fails on it, and building the FAIL event throws too.
    p.source =
        io.tributary.pipeline.SourceSpec.of(
            new io.tributary.pipeline.source.HttpSource(
                "http://127.0.0.1:9/a b", null, null, null, null, 10.0, 0));
    p.sink = BatchPlans.lake(dir.resolve("lake"), io.tributary.pipeline.FileFormat.JSONL);
    p.lineage = io.tributary.pipeline.plan.WorkerPlan.LineageConfig.console();

    BatchPlans.Outcome o = p.run(dir);

    assertThat(o.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(o.summary().outcome()).isEqualTo(RunSummary.FAILED);
    assertThat(o.summary().message()).contains("a b");
  }

  @Test
  void reasonsShownInLogsAndTheSummaryMaskWhatAParserQuotedFromTheInput() {
    assertThat(
            DeadLetters.shown(
                "in.jsonl line 3: the value is not JSON: Unrecognized token 'hunter2': was"
                    + " expecting (JSON String, Number, Array, Object or token 'null')"))
        .doesNotContain("hunter2")
        .startsWith("in.jsonl line 3: the value is not JSON: Unrecognized token '…'");
    assertThat(DeadLetters.shown("invalid: /id: string found, integer expected"))
        .isEqualTo("invalid: /id: string found, integer expected");
  }
}

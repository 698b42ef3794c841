package io.tributary.pipeline.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one JSON mapping of plans: what the operator writes is exactly what the worker reads. */
class PlanJsonTest {
  /** A plan as the operator writes it; only fields every plan version so far carries. */
  static final String PLAN =
      """
      {
        "planVersion": 1,
        "kind": "StreamJob",
        "pipeline": {"namespace": "payments", "name": "fraud", "uid": "u-1"},
        "source": {"kafka": {"bootstrapServers": "kafka:9092", "topics": ["payments"]}},
        "transforms": [
          {"filter": {"expression": "amount > 0"}},
          {"name": "hide", "mask": {"keySecretRef": {"name": "k", "key": "hmac"},
                                     "fields": [{"field": "card", "method": "keepLast", "keep": 4}]}}
        ],
        "sink": {"kafka": {"bootstrapServers": "kafka:9092", "topic": "payments-scored"}}
      }
      """;

  @Test
  void aPlanSurvivesWriteAndReadUnchanged() throws Exception {
    WorkerPlan read = PlanJson.readPlan(PLAN);
    String written = PlanJson.write(read);

    assertThat(PlanJson.readPlan(written)).isEqualTo(read);
    assertThat(PlanJson.write(PlanJson.readPlan(written))).isEqualTo(written);
    assertThat(read.pipeline())
        .isEqualTo(new WorkerPlan.PipelineIdentity("payments", "fraud", "u-1"));
    assertThat(read.source().kafka().topics()).containsExactly("payments");
    assertThat(read.transforms())
        .extracting(t -> t.stepName(0))
        .containsExactly("filter-0", "hide");
    assertThat(read.transforms().get(1).mask().fields().get(0).keep()).isEqualTo(4);
    // Absent settings stay absent instead of being written as nulls the worker would have to
    // tell apart from values.
    assertThat(written).doesNotContain("null");
  }

  @Test
  void aPlanFileIsReadTheSameWay(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("plan.json");
    Files.writeString(file, PLAN);
    assertThat(PlanJson.readPlan(file)).isEqualTo(PlanJson.readPlan(PLAN));
  }

  @Test
  void anUnknownFieldIsRefusedByName() {
    // A plan from a newer operator must fail loudly, not silently drop a setting.
    String newer = PLAN.replaceFirst("\"planVersion\": 1,", "\"planVersion\": 1, \"turbo\": true,");
    assertThatThrownBy(() -> PlanJson.readPlan(newer))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("\"turbo\"");
  }

  @Test
  void anUnknownFieldDeepInsideIsRefusedToo() {
    String typo = PLAN.replace("\"topics\"", "\"topic\"");
    assertThatThrownBy(() -> PlanJson.readPlan(typo))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("\"topic\"")
        .hasMessageContaining("KafkaSource");
  }

  @Test
  void aPlanFileThatCannotBeReadNamesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("plan.json");
    Files.writeString(file, "{\"planVersion\": 1, \"turbo\": true}");
    assertThatThrownBy(() -> PlanJson.readPlan(file))
        .hasMessageStartingWith("cannot read plan " + file + ": ")
        .hasMessageContaining("\"turbo\"");
    assertThatThrownBy(() -> PlanJson.readPlan(dir.resolve("missing.json")))
        .hasMessageStartingWith("cannot read plan " + dir.resolve("missing.json"));
  }

  @Test
  void aRunSummarySurvivesWriteAndRead() throws Exception {
    RunSummary summary =
        new RunSummary(
            "s202611250200",
            RunSummary.FAILED,
            RunSummary.RETRYABLE,
            "source.jdbc: connection refused",
            10,
            7,
            1,
            1234,
            "2026-11-25T02:00:00Z",
            java.util.List.of(new RunSummary.StepCount("filter-0", 10, 8, 1)));
    assertThat(PlanJson.readSummary(PlanJson.write(summary))).isEqualTo(summary);
  }
}

package io.tributary.pipeline.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan and summary pieces of a run split into parts. */
class PartsTest {
  @Test
  void aRunSplitIntoPartsSaysSoInItsPlanAndAOnePodRunStaysAsItWas() throws Exception {
    var mapper = PlanJson.mapper();
    WorkerPlan.Run parted = new WorkerPlan.Run("r1", 2, null, 3);
    assertThat((Object) mapper.valueToTree(parted))
        .isEqualTo(mapper.readTree("{\"id\":\"r1\",\"attempt\":2,\"parts\":3}"));
    assertThat(mapper.readValue("{\"id\":\"r1\",\"attempt\":2,\"parts\":3}", WorkerPlan.Run.class))
        .isEqualTo(parted);
    WorkerPlan.Run single = new WorkerPlan.Run("r1", 2, "w");
    assertThat((Object) mapper.valueToTree(single))
        .isEqualTo(mapper.readTree("{\"id\":\"r1\",\"attempt\":2,\"watermark\":\"w\"}"));
    assertThat(single.parted()).isFalse();
    assertThat(single.withParts(1)).isEqualTo(single);
    assertThat(single.withParts(4).parts()).isEqualTo(4);
  }

  @Test
  void theSummaryOfARunInPartsAddsUpThePartsStepByStep() {
    RunSummary a =
        new RunSummary(
                "r1",
                RunSummary.SUCCEEDED,
                null,
                "1 record dead-lettered",
                10,
                8,
                1,
                500,
                null,
                List.of(
                    new RunSummary.StepCount("source", 10, 10, 0),
                    new RunSummary.StepCount("transforms[0] (validate)", 10, 8, 1, 1),
                    new RunSummary.StepCount("sink", 8, 8, 0)))
            .withRecordsDropped(1);
    RunSummary b =
        RunSummary.succeeded(
            "r1",
            5,
            5,
            0,
            300,
            List.of(
                new RunSummary.StepCount("source", 5, 5, 0),
                new RunSummary.StepCount("transforms[0] (validate)", 5, 5, 0),
                new RunSummary.StepCount("sink", 5, 5, 0)));
    RunSummary sum = RunSummary.sumOfParts("r1", List.of(a, b), 900, "committed 2 parts at once");
    assertThat(sum)
        .isEqualTo(
            new RunSummary(
                "r1",
                RunSummary.SUCCEEDED,
                null,
                "committed 2 parts at once",
                15,
                13,
                1,
                1,
                900,
                null,
                List.of(
                    new RunSummary.StepCount("source", 15, 15, 0),
                    new RunSummary.StepCount("transforms[0] (validate)", 15, 13, 1, 1),
                    new RunSummary.StepCount("sink", 13, 13, 0)),
                null));
  }
}

package io.tributary.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.RunRecord;
import io.tributary.pipeline.plan.RunSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunRecordsTest {
  @Test
  void aRunsCountsIncludeWhatValidateDroppedAndLeaveItUnsetWhenNothingWas() {
    RunRecord run = RunRecord.builder().id("r1").build();
    RunSummary summary = RunSummary.succeeded("r1", 10, 6, 1, 5, List.of());

    RunRecord none = RunRecords.withCounts(run, summary);
    RunRecord three = RunRecords.withCounts(run, summary.withRecordsDropped(3));

    assertThat(none.recordsRejected()).isEqualTo(1);
    assertThat(none.recordsDropped()).isNull();
    assertThat(three.recordsDropped()).isEqualTo(3);
  }
}

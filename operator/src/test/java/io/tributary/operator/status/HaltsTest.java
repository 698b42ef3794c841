package io.tributary.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.StreamJobHalt;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.pipeline.plan.RunSummary;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HaltsTest {
  private static final RunSummary.Halt WORKER_SAYS =
      new RunSummary.Halt("orders", 0, 41, "transforms[0] (validate-0)", "field 'amount' is bad");
  private static final StreamJobHalt HALTED_AT_GEN_3 =
      new StreamJobHalt("orders/0@41", "transforms[0] (validate-0)", "field 'amount' is bad", 3L);

  private static StreamJobStatus halted() {
    return StreamJobStatus.builder().halted(HALTED_AT_GEN_3).build();
  }

  @Test
  void aWorkerOfTheCurrentPlanThatHaltedHaltsTheJobAtThisGeneration() {
    assertThat(Halts.next(null, Optional.of(WORKER_SAYS), null, 3)).contains(HALTED_AT_GEN_3);
  }

  @Test
  void aHaltHoldsWhileNothingChangesEvenAfterTheWorkersAreGone() {
    assertThat(Halts.next(halted(), Optional.empty(), null, 3)).contains(HALTED_AT_GEN_3);
    assertThat(Halts.next(halted(), Optional.empty(), "orders/0@40", 3))
        .as("a skip of another record resumes nothing")
        .contains(HALTED_AT_GEN_3);
    assertThat(Halts.next(halted(), Optional.empty(), "not a position", 3))
        .contains(HALTED_AT_GEN_3);
  }

  @Test
  void skippingTheHaltedRecordOrChangingTheSpecResumes() {
    assertThat(Halts.next(halted(), Optional.empty(), "orders/0@41", 3)).isEmpty();
    assertThat(Halts.next(halted(), Optional.empty(), " orders/0@41 ", 3)).isEmpty();
    assertThat(Halts.next(halted(), Optional.empty(), null, 4)).isEmpty();
    assertThat(Halts.next(null, Optional.empty(), null, 4)).isEmpty();
  }

  @Test
  void theMessageSaysWhereWhyAndBothWaysOn() {
    assertThat(Halts.message("fraud", HALTED_AT_GEN_3))
        .contains("halted at orders/0@41")
        .contains("field 'amount' is bad")
        .contains("fix the spec")
        .contains("kubectl annotate streamjob fraud tributary.io/skip-record=orders/0@41");
  }
}

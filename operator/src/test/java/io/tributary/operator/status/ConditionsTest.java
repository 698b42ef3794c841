package io.tributary.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.Condition;
import io.tributary.operator.status.Conditions.Reason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-25T11:00:00Z");

  @Test
  void transitionTimeStaysWhileStatusDoesNotFlip() {
    List<Condition> first =
        Conditions.merge(
            null, List.of(Conditions.of("Ready", true, Reason.WorkersAvailable, "2 of 2", 1)), T0);
    List<Condition> again =
        Conditions.merge(
            first, List.of(Conditions.of("Ready", true, Reason.WorkersAvailable, "3 of 3", 2)), T1);
    assertThat(again.get(0).lastTransitionTime()).isEqualTo("2026-11-25T10:00:00Z");
    assertThat(again.get(0).message()).isEqualTo("3 of 3");
    assertThat(again.get(0).observedGeneration()).isEqualTo(2L);
  }

  @Test
  void transitionTimeMovesWhenStatusFlips() {
    List<Condition> first =
        Conditions.merge(
            null, List.of(Conditions.of("Ready", true, Reason.WorkersAvailable, "ok", 1)), T0);
    List<Condition> flipped =
        Conditions.merge(
            first,
            List.of(Conditions.of("Ready", false, Reason.WorkersUnavailable, "0 of 2", 1)),
            T1);
    assertThat(flipped.get(0).lastTransitionTime()).isEqualTo("2026-11-25T11:00:00Z");
    assertThat(flipped.get(0).reason()).isEqualTo("WorkersUnavailable");
  }
}

package io.tributary.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Traces: lag over time in, replica decisions out. */
class LagAutoscalerTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final LagAutoscaler.Bounds BOUNDS =
      new LagAutoscaler.Bounds(1, 8, 1000, Duration.ofMinutes(5));

  @Test
  void scalesUpAtOnceAndDownOnlyAfterTheWindow() {
    // {seconds since T0, lag, expected replicas}
    long[][] trace = {
      {0, 500, 1},
      {30, 4500, 5}, // up immediately: ceil(4500/1000)
      {60, 9000, 6}, // capped by 6 partitions
      {90, 200, 6}, // lag gone, but the window still remembers 6
      {300, 100, 6},
      {391, 100, 1}, // 5 minutes after the last high recommendation (t=90) it may shrink
      {420, 2500, 3},
    };
    int current = 1;
    List<LagAutoscaler.Recommendation> history = List.of();
    for (long[] step : trace) {
      var d = LagAutoscaler.decide(current, step[1], 6, BOUNDS, history, T0.plusSeconds(step[0]));
      assertThat(d.replicas())
          .as("t=%ds lag=%d: %s", step[0], step[1], d.reason())
          .isEqualTo((int) step[2]);
      current = d.replicas();
      history = d.history();
    }
  }

  @Test
  void aSteadyLagAddsNothingToTheHistory() {
    var first = LagAutoscaler.decide(2, 1500, 6, BOUNDS, List.of(), T0);
    var second = LagAutoscaler.decide(2, 1700, 6, BOUNDS, first.history(), T0.plusSeconds(30));
    assertThat(first.history()).containsExactly(new LagAutoscaler.Recommendation(T0, 2));
    assertThat(second.history()).isEqualTo(first.history());
  }

  @Test
  void theHistoryIsBoundedAndForgetsWhatEndedBeforeTheWindow() {
    List<LagAutoscaler.Recommendation> history = List.of();
    // A new recommendation every 10 s for 10 minutes, alternating 2 and 3.
    for (int i = 0; i < 60; i++) {
      long lag = i % 2 == 0 ? 1500 : 2500;
      history = LagAutoscaler.decide(3, lag, 6, BOUNDS, history, T0.plusSeconds(10L * i)).history();
    }
    assertThat(history).hasSize(LagAutoscaler.MAX_HISTORY);
    Instant now = T0.plusSeconds(590);
    // 8 held from T0 until T0+100: that ended before the window (T0+290..T0+590) began.
    var old = new LagAutoscaler.Recommendation(T0, 8);
    var recent = new LagAutoscaler.Recommendation(T0.plusSeconds(100), 2);
    assertThat(LagAutoscaler.remember(List.of(old, recent), 2, now, Duration.ofMinutes(5)))
        .containsExactly(recent);
    // 8 held until T0+300, inside the window: it still counts.
    var later = new LagAutoscaler.Recommendation(T0.plusSeconds(300), 2);
    assertThat(LagAutoscaler.remember(List.of(old, later), 2, now, Duration.ofMinutes(5)))
        .containsExactly(old, later);
  }

  @Test
  void aRestartedOperatorContinuesFromTheHistory() {
    // The history as status kept it: 6 workers were recommended a minute ago.
    var kept = List.of(new LagAutoscaler.Recommendation(T0.minusSeconds(60), 6));
    var d = LagAutoscaler.decide(6, 0, 6, BOUNDS, kept, T0);
    assertThat(d.replicas()).as(d.reason()).isEqualTo(6);
    assertThat(LagAutoscaler.decide(6, 0, 6, BOUNDS, List.of(), T0).replicas()).isEqualTo(1);
  }

  @Test
  void scalesToZeroOnlyWhenAllowedAndIdle() {
    var zeroable = new LagAutoscaler.Bounds(0, 4, 1000, Duration.ZERO);
    var idle = LagAutoscaler.decide(2, 0, 4, zeroable, List.of(), T0);
    assertThat(idle.replicas()).isZero();
    assertThat(
            LagAutoscaler.decide(0, 1, 4, zeroable, idle.history(), T0.plusSeconds(1)).replicas())
        .isEqualTo(1);
    assertThat(LagAutoscaler.decide(2, 0, 4, BOUNDS, List.of(), T0).replicas()).isEqualTo(1);
  }

  @Test
  void neverAboveMaxNorBelowMin() {
    var b = new LagAutoscaler.Bounds(2, 3, 10, Duration.ZERO);
    assertThat(LagAutoscaler.decide(2, 1_000_000, 100, b, List.of(), T0).replicas()).isEqualTo(3);
    assertThat(LagAutoscaler.decide(3, 0, 100, b, List.of(), T0).replicas()).isEqualTo(2);
  }

  @Test
  void theReasonExplainsTheCap() {
    var d = LagAutoscaler.decide(1, 50_000, 4, BOUNDS, List.of(), T0);
    assertThat(d.replicas()).isEqualTo(4);
    assertThat(d.reason()).contains("capped at 4");
  }
}

package io.tributary.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Traces: lag over time in, replica decisions out. */
class LagAutoscalerTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final LagAutoscaler.Bounds BOUNDS =
      new LagAutoscaler.Bounds(1, 8, 1000, Duration.ofMinutes(5));

  @Test
  void scalesUpAtOnceAndDownOnlyAfterTheWindow() {
    LagAutoscaler a = new LagAutoscaler();
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
    for (long[] step : trace) {
      var d = a.decide(current, step[1], 6, BOUNDS, T0.plusSeconds(step[0]));
      assertThat(d.replicas())
          .as("t=%ds lag=%d: %s", step[0], step[1], d.reason())
          .isEqualTo((int) step[2]);
      current = d.replicas();
    }
  }

  @Test
  void scalesToZeroOnlyWhenAllowedAndIdle() {
    var zeroable = new LagAutoscaler.Bounds(0, 4, 1000, Duration.ZERO);
    LagAutoscaler a = new LagAutoscaler();
    assertThat(a.decide(2, 0, 4, zeroable, T0).replicas()).isZero();
    assertThat(a.decide(0, 1, 4, zeroable, T0.plusSeconds(1)).replicas()).isEqualTo(1);
    assertThat(new LagAutoscaler().decide(2, 0, 4, BOUNDS, T0).replicas()).isEqualTo(1);
  }

  @Test
  void neverAboveMaxNorBelowMin() {
    var b = new LagAutoscaler.Bounds(2, 3, 10, Duration.ZERO);
    assertThat(new LagAutoscaler().decide(2, 1_000_000, 100, b, T0).replicas()).isEqualTo(3);
    assertThat(new LagAutoscaler().decide(3, 0, 100, b, T0).replicas()).isEqualTo(2);
  }

  @Test
  void theReasonExplainsTheCap() {
    var d = new LagAutoscaler().decide(1, 50_000, 4, BOUNDS, T0);
    assertThat(d.replicas()).isEqualTo(4);
    assertThat(d.reason()).contains("capped at 4");
  }
}

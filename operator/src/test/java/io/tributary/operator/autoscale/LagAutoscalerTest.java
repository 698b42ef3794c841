package io.tributary.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.operator.status.AutoscalerStatuses;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Tables: readings in, decisions out, one rule at a time. */
class LagAutoscalerTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final ScalingPolicy BOUNDS =
      ScalingPolicy.of(1, 8).withTargetLagPerReplica(1000).withStabilization(Duration.ofMinutes(5));

  /** Drives the autoscaler poll by poll, applying each decision as a Deployment would. */
  private static final class Run {
    final ScalingPolicy policy;
    ScalerState state = ScalerState.EMPTY;
    int current;
    LagAutoscaler.Decision last;

    Run(ScalingPolicy policy, int current) {
      this.policy = policy;
      this.current = current;
    }

    LagAutoscaler.Decision at(long seconds, long lag, long committed, int ready, int partitions) {
      Instant now = T0.plusSeconds(seconds);
      return decide(now, new LagReading(now, lag, committed, partitions), ready);
    }

    /** No reading this time. */
    LagAutoscaler.Decision missing(long seconds, int ready) {
      return decide(T0.plusSeconds(seconds), null, ready);
    }

    private LagAutoscaler.Decision decide(Instant now, LagReading r, int ready) {
      last =
          LagAutoscaler.decide(
              policy, state, new LagAutoscaler.Observation(now, r, current, ready));
      state = last.state();
      current = last.replicas();
      return last;
    }

    LagAutoscaler.Decision at(long seconds, long lag) {
      return at(seconds, lag, 0, current, 6);
    }
  }

  @Test
  void upAtOnceDownOnlyAfterAWholeWindowAndByAtMostHalfPerWindow() {
    Run run = new Run(BOUNDS, 1);
    // {seconds, lag, expected workers}; throughput never measured: one worker per 1000 of lag.
    long[][] table = {
      {0, 500, 1},
      {30, 4500, 5}, // up at once: ceil(4500 / 1000)
      {60, 9000, 6}, // capped by the 6 partitions
      {90, 100, 6}, // lag gone, but the window still remembers 6
      {300, 100, 6},
      {389, 100, 6}, // the 6 ended at t=90: not a whole window yet
      {390, 100, 3}, // a whole window below 6: down, but by half at most
      {420, 100, 3}, // one step per window
      {689, 100, 3},
      {690, 100, 2}, // the next step: half of 3 is 1 worker, at least one
      {1000, 100, 1},
      {1030, 2500, 3}, // up at once again
    };
    for (long[] row : table) {
      var d = run.at(row[0], row[1]);
      assertThat(d.replicas())
          .as("t=%ds lag=%d: %s", row[0], row[1], d.message())
          .isEqualTo((int) row[2]);
    }
  }

  @Test
  void aNewJobDoesNotScaleDownBeforeItHasWatchedAWholeWindow() {
    Run run = new Run(BOUNDS, 6);
    assertThat(run.at(0, 0).replicas()).isEqualTo(6);
    assertThat(run.last.reason()).isEqualTo(ScaleReason.Stabilizing);
    assertThat(run.at(299, 0).replicas()).isEqualTo(6);
    assertThat(run.at(300, 0).replicas()).isEqualTo(3);
  }

  @Test
  void aMissingReadingHoldsTheSizeAndChangesNoMemory() {
    Run run = new Run(BOUNDS, 1);
    run.at(0, 4500);
    ScalerState before = run.state;
    for (long t = 30; t <= 900; t += 30) {
      var d = run.missing(t, 5);
      assertThat(d.replicas()).isEqualTo(5);
      assertThat(d.reason()).isEqualTo(ScaleReason.NoReading);
      assertThat(d.message()).contains("consumer lag unknown");
    }
    assertThat(run.state).isEqualTo(before);
  }

  @Test
  void aSteadyLagAddsNothingToTheMemory() {
    Run run = new Run(BOUNDS, 2);
    run.at(0, 1500);
    ScalerState first = run.state;
    run.at(30, 1500);
    run.at(60, 1500);
    assertThat(first.recommendations()).containsExactly(new ScalerState.Recommendation(T0, 2));
    assertThat(run.state).isEqualTo(first);
  }

  @Test
  void theMemoryIsBoundedAndForgetsWhatEndedBeforeTheWindow() {
    Run run = new Run(BOUNDS, 3);
    for (int i = 0; i < 60; i++) run.at(10L * i, i % 2 == 0 ? 1500 : 2500, 0, 3, 6);
    assertThat(run.state.recommendations()).hasSize(ScalerState.MAX_RECOMMENDATIONS);
    Instant now = T0.plusSeconds(590);
    var old = new ScalerState.Recommendation(T0, 8);
    var recent = new ScalerState.Recommendation(T0.plusSeconds(100), 2);
    // 8 held from T0 until T0+100: that ended before the window (T0+290..T0+590) began.
    assertThat(ScalerState.remember(List.of(old, recent), 2, now, Duration.ofMinutes(5)))
        .containsExactly(recent);
    var later = new ScalerState.Recommendation(T0.plusSeconds(300), 2);
    assertThat(ScalerState.remember(List.of(old, later), 2, now, Duration.ofMinutes(5)))
        .containsExactly(old, later);
  }

  @Test
  void aRestartedOperatorContinuesFromTheStatusExactlyAsItWouldHave() {
    Run kept = new Run(BOUNDS, 1);
    Run restarted = new Run(BOUNDS, 1);
    long[][] lags = {{0, 4500}, {30, 200}, {60, 100}, {200, 100}, {350, 100}, {400, 0}};
    for (long[] row : lags) {
      kept.at(row[0], row[1], 10 * row[0], kept.current, 6);
      restarted.at(row[0], row[1], 10 * row[0], restarted.current, 6);
      // Between decisions, the state goes through status and back, as it does on a restart.
      var status =
          StreamJobStatus.builder().autoscaler(AutoscalerStatuses.of(restarted.last)).build();
      restarted.state = AutoscalerStatuses.state(status);
      assertThat(restarted.current).as("t=%d", row[0]).isEqualTo(kept.current);
    }
    assertThat(restarted.state).isEqualTo(kept.state);
    // And a memory lost entirely only delays a scale-down, never causes one.
    Run forgetful = new Run(BOUNDS, 5);
    assertThat(forgetful.at(400, 0).replicas()).isEqualTo(5);
  }

  @Test
  void aWorkerCapacityFromAStatusWrittenBeforeItWasMarkedMeasuredIsOnlyALowerBound() {
    // An operator that took lag in flight for a backlog wrote 25 records/s; workers did consume
    // that much, but they can do more. 2 workers keep up with 300 records/s, the lag in flight.
    String old =
        """
        autoscaler:
          reason: Steady
          workerCapacity: 25.0
          workerCapacityMeasuredAt: "2026-11-25T09:00:00Z"
          samples:
          - {at: "2026-11-25T10:00:00Z", committed: 0, lag: 300, ready: 2}
        """;
    ScalerState state =
        AutoscalerStatuses.state(Serialization.unmarshal(old, StreamJobStatus.class));
    assertThat(state.capacity())
        .isEqualTo(ScalerState.Capacity.atLeast(25, Instant.parse("2026-11-25T09:00:00Z")));
    Instant now = T0.plusSeconds(30);
    var d =
        LagAutoscaler.decide(
            ScalingPolicy.of(1, 12),
            state,
            new LagAutoscaler.Observation(now, new LagLike(now, 300, 9_000).reading(), 2, 2));
    assertThat(d.replicas()).as(d.message()).isEqualTo(2);
    // What it writes back says which it is, raised to what it saw: 9,000 records in 30 s by 2
    // workers, allowing a commit interval more.
    var written = AutoscalerStatuses.of(d);
    assertThat(written.workerCapacity()).isEqualTo(145.16);
    assertThat(written.workerCapacityMeasured()).isFalse();
  }

  @Test
  void throughputSizesTheWorkersToKeepUpAndDrainWithinTheTargetTime() {
    // One worker was seen consuming 250 records/s with a backlog; 1,000/s arrive and 150,000
    // are behind: 1,000/s to keep up plus 150,000 / 300 s = 500/s to drain, at 250 each: 6.
    var capacity = ScalerState.Capacity.measured(250, T0);
    var state =
        new ScalerState(
            List.of(), List.of(new ScalerState.Sample(T0, 0, 120_000, 4)), capacity, null, null);
    // In 30 s, 4 workers committed 30,000 and 30,000 more arrived than they took.
    Instant now = T0.plusSeconds(30);
    var reading = new LagReading(now, 150_000, 30_000, 12);
    var d =
        LagAutoscaler.decide(
            ScalingPolicy.of(1, 12), state, new LagAutoscaler.Observation(now, reading, 4, 4));
    assertThat(d.throughput().consumedPerSecond()).isEqualTo(1000);
    assertThat(d.throughput().producedPerSecond()).isEqualTo(2000);
    assertThat(d.state().capacity().recordsPerSecond()).isEqualTo(250);
    // (2,000 + (150,000 - in flight 2,000 * 7 s) / 300) / 250 = 9.8 -> 10
    assertThat(d.replicas()).as(d.message()).isEqualTo(10);
    assertThat(d.reason()).isEqualTo(ScaleReason.ScaleUp);
    assertThat(d.message()).contains("2000 records/s arriving").contains("250 records/s each");
    // A shorter target drain time asks for more.
    var faster =
        LagAutoscaler.decide(
            ScalingPolicy.of(1, 12).withTargetDrainTime(Duration.ofMinutes(1)),
            state,
            new LagAutoscaler.Observation(now, reading, 4, 4));
    assertThat(faster.replicas()).isEqualTo(12);
  }

  @Test
  void lagThatIsOnlyInFlightAddsNoWorkerAndSmallWobblesChangeNothing() {
    var capacity = ScalerState.Capacity.measured(250, T0);
    // 8 workers keep up with 2,000/s; the lag is the few seconds not yet committed.
    var state =
        new ScalerState(
            List.of(), List.of(new ScalerState.Sample(T0, 0, 9_000, 8)), capacity, null, null);
    Instant now = T0.plusSeconds(30);
    var d =
        LagAutoscaler.decide(
            ScalingPolicy.of(1, 12),
            state,
            new LagAutoscaler.Observation(now, new LagLike(now, 9_500, 60_000).reading(), 8, 8));
    assertThat(d.replicas()).as(d.message()).isEqualTo(8);
    // 2,100/s arriving is 8.4 workers' worth, within the tolerance of 8: no change.
    var wobble =
        LagAutoscaler.decide(
            ScalingPolicy.of(1, 12),
            state,
            new LagAutoscaler.Observation(now, new LagLike(now, 12_000, 60_000).reading(), 8, 8));
    assertThat(wobble.replicas()).as(wobble.message()).isEqualTo(8);
  }

  /** A reading of {@code lag} and {@code committed} on 12 partitions. */
  private record LagLike(Instant at, long lag, long committed) {
    LagReading reading() {
      return new LagReading(at, lag, committed, 12);
    }
  }

  @Test
  void unreadyWorkersAreNotCapacity() {
    // 6 workers asked for, 2 ready; 15,000 committed in 30 s while the lag grew: 250/s per ready
    // worker, not 83 per requested one.
    var samples = List.of(new ScalerState.Sample(T0, 0, 100_000, 2));
    var now = new ScalerState.Sample(T0.plusSeconds(30), 15_000, 130_000, 2);
    Optional<Throughput> t = Throughput.of(samples, now, ScalingPolicy.of(1, 12));
    assertThat(t).isPresent();
    assertThat(t.get().saturatedPerReadyWorker()).isEqualTo(250);
    // While workers join, the pace of one is unknown (they were not all there all along).
    var joining = new ScalerState.Sample(T0.plusSeconds(30), 15_000, 130_000, 6);
    assertThat(
            Throughput.of(samples, joining, ScalingPolicy.of(1, 12))
                .get()
                .saturatedPerReadyWorker())
        .isNull();
    // Without a backlog the pace seen is only a lower bound: not taken as what a worker can do.
    var idleish = new ScalerState.Sample(T0.plusSeconds(30), 15_000, 0, 2);
    var noBacklog = List.of(new ScalerState.Sample(T0, 0, 0, 2));
    assertThat(
            Throughput.of(noBacklog, idleish, ScalingPolicy.of(1, 12))
                .get()
                .saturatedPerReadyWorker())
        .isNull();
  }

  @Test
  void offsetsGoingBackwardsSayNothingAboutThroughput() {
    var samples = List.of(new ScalerState.Sample(T0, 50_000, 0, 2));
    var reset = new ScalerState.Sample(T0.plusSeconds(30), 0, 80_000, 2);
    assertThat(Throughput.of(samples, reset, ScalingPolicy.of(1, 12))).isEmpty();
  }

  @Test
  void scaleToZeroOnlyWhenAllowedAndIdleForTheWindowAndWakeAboveTheThreshold() {
    var zeroable =
        ScalingPolicy.of(0, 4)
            .withStabilization(Duration.ofMinutes(5))
            .withActivationLagThreshold(100);
    Run run = new Run(zeroable, 1);
    run.at(0, 0, 5_000, 1, 4);
    run.at(30, 0, 5_000, 1, 4); // nothing consumed, nothing arriving: idle
    assertThat(run.at(329, 0, 5_000, 1, 4).replicas()).isEqualTo(1);
    assertThat(run.at(330, 0, 5_000, 1, 4).replicas()).isZero();
    assertThat(run.last.reason()).isEqualTo(ScaleReason.ScaleToZero);
    assertThat(run.at(360, 100, 5_000, 0, 4).replicas()).isZero(); // not above the threshold
    assertThat(run.last.reason()).isEqualTo(ScaleReason.Idle);
    assertThat(run.at(390, 101, 5_000, 0, 4).replicas()).isEqualTo(1);
    assertThat(run.last.reason()).isEqualTo(ScaleReason.Wake);
    // With minReplicas 1 the same idle job keeps one worker.
    Run floor = new Run(BOUNDS, 1);
    floor.at(0, 0, 5_000, 1, 4);
    assertThat(floor.at(900, 0, 5_000, 1, 4).replicas()).isEqualTo(1);
  }

  @Test
  void neverAboveMaxOrPartitionsNorBelowMinAndAnEditedBoundAppliesAtOnce() {
    var b = ScalingPolicy.of(2, 3).withTargetLagPerReplica(10);
    Run run = new Run(b, 2);
    assertThat(run.at(0, 1_000_000, 0, 2, 100).replicas()).isEqualTo(3);
    assertThat(run.last.message()).contains("capped at 3");
    // maxReplicas lowered below the workers running: down to it at once.
    Run edited = new Run(ScalingPolicy.of(1, 2), 5);
    assertThat(edited.at(0, 1_000_000, 0, 5, 100).replicas()).isEqualTo(2);
    assertThat(edited.last.reason()).isEqualTo(ScaleReason.Bounds);
    // minReplicas raised above them: up to it at once, even with pods still starting.
    Run raised = new Run(ScalingPolicy.of(4, 8), 2);
    assertThat(raised.at(0, 0, 0, 0, 100).replicas()).isEqualTo(4);
  }
}

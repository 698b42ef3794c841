package io.tributary.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.autoscale.StreamWorld.Step;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Recorded series in, decisions out: a simulated stream (records arriving, workers consuming 250
 * records/s each, pods starting) with the autoscaler in the loop, polled every 30 s as the operator
 * polls lag by default. Each test asserts what a user would notice, and prints the trace on
 * failure.
 */
class LagAutoscalerTraceTest {
  private static final Duration POLL = Duration.ofSeconds(30);
  private static final Duration WINDOW = ScalingPolicy.DEFAULT_STABILIZATION;

  @Test
  void aSteadyRampIsFollowedUpwardsWithoutEverScalingDown() {
    // 100 records/s growing to 2,000 over 30 minutes, then steady: 8 workers' worth.
    List<Step> trace =
        new StreamWorld(ScalingPolicy.of(1, 12))
            .arrivals(s -> 100 + 1900 * Math.min(1, s / 1800))
            .run(Duration.ofMinutes(45), POLL);
    String table = StreamWorld.table(trace);
    assertThat(trace).as(table).noneMatch(s -> s.decided() < s.requested());
    assertThat(last(trace).decided()).as(table).isEqualTo(8);
    assertThat(trace.stream().mapToInt(Step::decided).max().getAsInt()).as(table).isEqualTo(8);
    // At the steady end the lag is only what is in flight (a few seconds' worth), not growing.
    assertThat(last(trace).lag()).as(table).isLessThan(2000 * 10);
  }

  @Test
  void aSpikeScalesUpAtOnceDrainsAndScalesDownInBoundedStepsAfterTheWindow() {
    // 400 records/s, a 30 s burst of 10,000/s at 15 minutes. The job starts behind, which is
    // how it learns what one worker can do.
    List<Step> trace =
        new StreamWorld(ScalingPolicy.of(1, 12))
            .initialWorkers(2)
            .initialLag(200_000)
            .arrivals(s -> s >= 900 && s < 930 ? 10_000 : 400)
            .run(Duration.ofMinutes(50), POLL);
    String table = StreamWorld.table(trace);
    Step spike = at(trace, Duration.ofSeconds(900));
    assertThat(spike.lag()).as(table).isGreaterThan(250_000);
    assertThat(spike.decided()).as(table).isGreaterThan(spike.requested());
    assertThat(spike.reason()).isEqualTo(ScaleReason.ScaleUp);
    // Drained well within the target drain time.
    assertThat(
            at(trace, Duration.ofSeconds(900).plus(ScalingPolicy.DEFAULT_TARGET_DRAIN_TIME)).lag())
        .as(table)
        .isLessThan(400 * 10);
    // Then down, never before a whole window after the spike, never by more than half at once,
    // never two steps within a window.
    List<Step> downs =
        trace.stream()
            .filter(s -> s.t().compareTo(Duration.ofSeconds(900)) > 0)
            .filter(s -> s.decided() < s.requested())
            .toList();
    assertThat(downs).as(table).isNotEmpty();
    assertThat(downs.get(0).t())
        .as(table)
        .isGreaterThanOrEqualTo(Duration.ofSeconds(900).plus(WINDOW));
    for (int i = 0; i < downs.size(); i++) {
      Step d = downs.get(i);
      assertThat(d.decided()).as(table).isGreaterThanOrEqualTo(d.requested() / 2);
      if (i > 0)
        assertThat(d.t().minus(downs.get(i - 1).t())).as(table).isGreaterThanOrEqualTo(WINDOW);
    }
    // And it settles where 400 records/s need it: 2 workers.
    assertThat(last(trace).decided()).as(table).isEqualTo(2);
  }

  @Test
  void anOscillatingLoadChangesDirectionAtMostOncePerStabilizationWindow() {
    // 300 and 1,200 records/s alternating every two minutes, for an hour: the classic flapper.
    List<Step> trace =
        new StreamWorld(ScalingPolicy.of(1, 12))
            .initialWorkers(2)
            .initialLag(50_000)
            .arrivals(s -> ((long) (s / 120)) % 2 == 0 ? 300 : 1200)
            .run(Duration.ofMinutes(60), POLL);
    String table = StreamWorld.table(trace) + StreamWorld.directionChanges(trace);
    assertThat(StreamWorld.mostDirectionChangesWithin(trace, WINDOW))
        .as(table)
        .isLessThanOrEqualTo(1);
    // Never fewer than the peaks need (1,200 / 250, rounded up), and it stops moving. With
    // commits at once, 12 workers drain the backlog within the first poll and no worker is seen
    // at its limit again, so the rate they were seen to consume is all it knows: it does not probe
    // below what that rate says the peaks need.
    assertThat(trace).as(table).allMatch(s -> s.decided() >= 5);
    List<Step> lastHalf = trace.subList(trace.size() / 2, trace.size());
    assertThat(lastHalf).as(table).allMatch(s -> s.decided() == s.requested());
  }

  @Test
  void whileTheLagReaderFailsTheSizeIsHeldWhateverHappens() {
    // 8 workers busy; the reader fails from minute 10 to minute 25, during which the load
    // vanishes (minute 10-15) and then surges (minute 15-25). Neither moves the workers.
    List<Step> trace =
        new StreamWorld(ScalingPolicy.of(1, 12))
            .initialWorkers(8)
            .initialLag(300_000)
            .arrivals(s -> s < 600 ? 1900 : s < 900 ? 0 : 5000)
            .readerDown(
                t ->
                    t.compareTo(Duration.ofMinutes(10)) >= 0
                        && t.compareTo(Duration.ofMinutes(25)) < 0)
            .run(Duration.ofMinutes(30), POLL);
    String table = StreamWorld.table(trace);
    List<Step> outage =
        trace.stream()
            .filter(s -> s.t().compareTo(Duration.ofMinutes(10)) >= 0)
            .filter(s -> s.t().compareTo(Duration.ofMinutes(25)) < 0)
            .toList();
    assertThat(outage).as(table).hasSize(30);
    assertThat(outage).as(table).allMatch(s -> s.reason() == ScaleReason.NoReading);
    assertThat(outage).as(table).allMatch(s -> s.decided() == s.requested());
    // Back with a reading, the surge that built up is answered at once.
    Step back = at(trace, Duration.ofMinutes(25));
    assertThat(back.decided()).as(table).isGreaterThan(back.requested());
  }

  @Test
  void workersSlowToBecomeReadyAreNotCountedTwice() {
    // The load jumps from 400 to 2,000 records/s (8 workers' worth) and new pods take 10 minutes
    // to become ready (a node has to be made for them). Without waiting for them, the lag that
    // piles up meanwhile asks for ever more pods; with it, only what the arrival rate needs is
    // asked for until the ready timeout.
    StreamWorld slowPods =
        new StreamWorld(ScalingPolicy.of(1, 20))
            .partitions(24)
            .initialWorkers(2)
            .readyDelay(Duration.ofMinutes(10))
            .arrivals(s -> s < 60 ? 400 : 2000);
    List<Step> trace = slowPods.run(Duration.ofMinutes(5), POLL);
    String table = StreamWorld.table(trace);
    int asked = trace.stream().mapToInt(Step::decided).max().getAsInt();
    assertThat(asked).as(table).isEqualTo(8);
    assertThat(trace).as(table).anyMatch(s -> s.reason() == ScaleReason.WaitingForReady);
    // Not counted as capacity: all the while only the first two workers consume.
    assertThat(trace).as(table).allMatch(s -> s.ready() == 2);

    List<Step> withoutWaiting =
        new StreamWorld(ScalingPolicy.of(1, 20).withReadyTimeout(Duration.ZERO))
            .partitions(24)
            .initialWorkers(2)
            .readyDelay(Duration.ofMinutes(10))
            .arrivals(s -> s < 60 ? 400 : 2000)
            .run(Duration.ofMinutes(5), POLL);
    assertThat(withoutWaiting.stream().mapToInt(Step::decided).max().getAsInt())
        .as(StreamWorld.table(withoutWaiting))
        .isGreaterThan(asked + 3);

    // After the ready timeout the backlog counts again: a pod that never starts must not freeze
    // the job at a size that cannot keep up.
    List<Step> longer = slowPods.run(Duration.ofMinutes(8), POLL);
    assertThat(last(longer).decided()).as(StreamWorld.table(longer)).isGreaterThan(asked);
  }

  @Test
  void anIdleJobScalesToZeroAfterTheWindowAndWakesOnTheActivationThreshold() {
    // 800 records/s for 10 minutes, then nothing, then a handful of records at minute 50.
    var policy = ScalingPolicy.of(0, 8).withActivationLagThreshold(20);
    List<Step> trace =
        new StreamWorld(policy)
            .initialWorkers(4)
            .initialLag(100_000)
            .arrivals(
                s ->
                    s < 600 ? 800 : (s >= 2400 && s < 2430) ? 0.5 : (s >= 3000 && s < 3030) ? 1 : 0)
            .run(Duration.ofMinutes(60), POLL);
    String table = StreamWorld.table(trace);
    Step zero =
        trace.stream()
            .filter(s -> s.reason() == ScaleReason.ScaleToZero)
            .findFirst()
            .orElseThrow(() -> new AssertionError(table));
    // Not before the job had been idle (no lag, nothing arriving) for a whole window.
    assertThat(zero.t()).as(table).isGreaterThanOrEqualTo(Duration.ofMinutes(10).plus(WINDOW));
    // 15 records at minute 40 are not above the threshold of 20: it stays at zero.
    assertThat(at(trace, Duration.ofSeconds(2430)).decided()).as(table).isZero();
    assertThat(at(trace, Duration.ofSeconds(2430)).reason()).isEqualTo(ScaleReason.Idle);
    // 30 more at minute 50 are: one worker wakes, on that very poll.
    Step wake = at(trace, Duration.ofSeconds(3000));
    assertThat(wake.lag()).as(table).isGreaterThan(20);
    assertThat(wake.reason()).as(table).isEqualTo(ScaleReason.Wake);
    assertThat(wake.decided()).as(table).isEqualTo(1);
    // Never to zero with minReplicas 1.
    List<Step> floor =
        new StreamWorld(ScalingPolicy.of(1, 8))
            .initialWorkers(4)
            .arrivals(s -> s < 600 ? 800 : 0)
            .run(Duration.ofMinutes(60), POLL);
    assertThat(floor).as(StreamWorld.table(floor)).allMatch(s -> s.decided() >= 1);
  }

  private static Step at(List<Step> trace, Duration t) {
    return trace.stream().filter(s -> s.t().equals(t)).findFirst().orElseThrow();
  }

  private static Step last(List<Step> trace) {
    return trace.get(trace.size() - 1);
  }
}

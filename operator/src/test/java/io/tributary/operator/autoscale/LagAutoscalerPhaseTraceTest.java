package io.tributary.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.autoscale.StreamWorld.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The loads of {@link LagAutoscalerTraceTest} as the operator meets them, and as the benchmark runs
 * them ({@code WorkerBenchmark}): offsets committed a second behind consumption, so the records in
 * flight count as lag; worker pods ready 30 s after they are asked for; the autoscaler deciding on
 * each 30 s lag refresh and on each change in ready pods ({@link StreamJobLoop}). Each test runs at
 * every phase of the refresh against the load, and prints the run that fails.
 */
class LagAutoscalerPhaseTraceTest {
  private static final Duration TICK = Duration.ofSeconds(1);
  private static final int PHASES = (int) StreamJobLoop.POLL.toSeconds();

  /** 250 records/s per worker, 12 partitions, pods ready 30 s after, commits 1 s behind. */
  private static StreamWorld world(ScalingPolicy policy) {
    return new StreamWorld(policy)
        .perWorker(250)
        .partitions(12)
        .readyDelay(Duration.ofSeconds(30))
        .commitDelay(ScalingPolicy.DEFAULT_COMMIT_INTERVAL);
  }

  /** One run at one phase of the lag refresh. */
  private record Run(int phase, List<Step> steps) {
    String table() {
      return "phase "
          + phase
          + ":"
          + StreamWorld.table(moves())
          + StreamWorld.directionChanges(steps);
    }

    /** The ticks at which the size changed. */
    List<Step> moves() {
      return steps.stream().filter(s -> s.decided() != s.requested()).toList();
    }
  }

  /** Asserts that no phase's run breaks {@code rule}; prints the size changes of those that do. */
  private static void assertEveryPhase(List<Run> runs, Predicate<Run> rule) {
    List<Run> broken = runs.stream().filter(rule.negate()).toList();
    assertThat(broken.stream().map(Run::phase).toList())
        .as(broken.stream().map(Run::table).collect(Collectors.joining("\n")))
        .isEmpty();
  }

  private static List<Run> everyPhase(
      ScalingPolicy policy, Supplier<StreamWorld> world, Duration length) {
    List<Run> runs = new ArrayList<>();
    for (int p = 0; p < PHASES; p++) {
      var loop = new StreamJobLoop(policy, StreamJobLoop.POLL, Duration.ofSeconds(p));
      runs.add(new Run(p, world.get().run(length, TICK, loop)));
    }
    return runs;
  }

  @Test
  void aRiseInArrivalsTheWorkersKeepUpWithAddsNoWorker() {
    // At least 8 workers, 2,000 records/s between them; the load steps between 300 and 1,200
    // records/s every 2 minutes. The lag in flight steps with it (a second of records), which is
    // no sign that the workers are at their limit.
    ScalingPolicy policy = ScalingPolicy.of(8, 12);
    List<Run> runs =
        everyPhase(
            policy,
            () ->
                world(policy)
                    .initialWorkers(8)
                    .arrivals(s -> ((long) (s / 120)) % 2 == 0 ? 300 : 1200),
            Duration.ofMinutes(30));
    assertEveryPhase(runs, run -> run.moves().isEmpty());
  }

  @Test
  void theLoadStoppingAddsNoWorker() {
    // 800 records/s for 10 minutes with 4 workers that start 100,000 behind, then nothing. What
    // was in flight when the load stopped is committed in the next poll: no backlog, and no
    // reason for more workers.
    ScalingPolicy policy = ScalingPolicy.of(0, 8);
    List<Run> runs =
        everyPhase(
            policy,
            () ->
                world(policy)
                    .initialWorkers(4)
                    .initialLag(100_000)
                    .arrivals(s -> s < 600 ? 800 : 0),
            Duration.ofMinutes(40));
    assertEveryPhase(
        runs,
        run ->
            run.moves().stream()
                .filter(s -> s.t().compareTo(Duration.ofSeconds(600)) >= 0)
                .allMatch(s -> s.decided() < s.requested()));
  }

  @Test
  void aRisingLoadIsNeverAnsweredWithFewerWorkers() {
    // 100 records/s rising to 2,000 over 30 minutes, one worker at the start: every worker added
    // is needed a little later, so none may go while the load rises.
    ScalingPolicy policy = ScalingPolicy.of(1, 12);
    List<Run> runs =
        everyPhase(
            policy,
            () -> world(policy).arrivals(s -> 100 + 1900 * Math.min(1, s / 1800)),
            Duration.ofMinutes(30));
    assertEveryPhase(
        runs,
        run ->
            run.moves().stream().allMatch(s -> s.decided() > s.requested())
                && run.steps().get(run.steps().size() - 1).decided() == 8);
  }

  @Test
  void anOscillatingLoadChangesDirectionAtMostOnce() {
    // 300 and 1,200 records/s alternating every 2 minutes, 2 workers 50,000 behind at the start:
    // up for the backlog, then down, never below what the 1,200 records/s peaks need (5 workers at
    // 250 each), so never up again.
    ScalingPolicy policy = ScalingPolicy.of(1, 12);
    List<Run> runs =
        everyPhase(
            policy,
            () ->
                world(policy)
                    .initialWorkers(2)
                    .initialLag(50_000)
                    .arrivals(s -> ((long) (s / 120)) % 2 == 0 ? 300 : 1200),
            Duration.ofMinutes(60));
    assertEveryPhase(
        runs,
        run ->
            StreamWorld.directionChanges(run.steps()).size() <= 1
                && run.steps().stream().allMatch(s -> s.decided() >= 5));
  }

  @Test
  void afterTheLagReaderReturnsTheWorkersDoNotDropBelowWhatTheLoadNeeds() {
    // 8 workers busy with 1,900 records/s and a backlog; the reader fails from minute 10 to 25,
    // while the load stops (minute 10-15) and comes back at 2,500 records/s (10 workers' worth).
    // What the autoscaler recommended before the outage covered none of it: once the reader is
    // back, it must not shed workers on that memory and an average over the outage.
    ScalingPolicy policy = ScalingPolicy.of(1, 12);
    List<Run> runs =
        everyPhase(
            policy,
            () ->
                world(policy)
                    .initialWorkers(8)
                    .initialLag(300_000)
                    .arrivals(s -> s < 600 ? 1900 : s < 900 ? 0 : 2500)
                    .readerDown(
                        t ->
                            t.compareTo(Duration.ofMinutes(10)) >= 0
                                && t.compareTo(Duration.ofMinutes(25)) < 0),
            Duration.ofMinutes(45));
    assertEveryPhase(
        runs,
        run ->
            run.moves().stream()
                .filter(s -> s.t().compareTo(Duration.ofMinutes(25)) >= 0)
                .allMatch(s -> s.decided() >= 10));
  }
}

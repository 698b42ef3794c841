package io.tributary.operator.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Predicate;

/**
 * A stream and its workers, simulated in steps of one tick, with an autoscaler in the loop: records
 * arrive at a rate that varies with time, each ready worker consumes up to {@code perWorker}
 * records per second, a worker asked for becomes ready {@code readyDelay} later, committed offsets
 * trail what was consumed by {@code commitDelay}, the lag reader can be down. Every tick the
 * autoscaler sees what a Kafka lag reader and the Deployment would show, and whatever it sets is
 * applied at once. The trace it returns is the recorded series and the decisions, for assertions
 * and for the benchmark that compares with other autoscalers ({@code AutoscalingBenchmark}).
 *
 * <p>{@link #run(Duration, Duration)} is the trace tests' loop: one tick per poll, the lag
 * autoscaler deciding at every tick on a fresh reading. {@link #run(Duration, Duration, Scaler)}
 * takes any {@link Scaler}, which decides for itself at which ticks it acts.
 */
public final class StreamWorld {
  public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  /**
   * One tick: what was observed and what the autoscaler decided ({@code decided == requested} and
   * no reason when it did not act at this tick).
   */
  public record Step(
      Duration t,
      long lag,
      double arrivingPerSecond,
      int requested,
      int ready,
      int decided,
      ScaleReason reason,
      String message) {}

  /**
   * What an autoscaler sees at one tick.
   *
   * @param lag what a lag reader would read now: end offsets minus committed offsets
   * @param readerDown whether the lag reader fails now
   * @param requested workers the Deployment asks for
   * @param ready workers ready
   */
  public record Tick(
      Duration t,
      Instant now,
      long lag,
      long committed,
      int partitions,
      boolean readerDown,
      int requested,
      int ready) {
    /** The reading a lag reader taking it now would return; null while the reader is down. */
    public LagReading reading() {
      return readerDown ? null : new LagReading(now, lag, committed, partitions);
    }
  }

  /** What an autoscaler set at one tick, and why. */
  public record Act(int replicas, ScaleReason reason, String message) {}

  /** Sizes the workers. Asked at every tick, it acts when its own clocks say so. */
  public interface Scaler {
    /**
     * @return the workers it sets now, or null when it does not act at this tick
     */
    Act act(Tick tick);
  }

  private final ScalingPolicy policy;
  private double perWorker = 250;
  private Duration readyDelay = Duration.ZERO;
  private Duration commitDelay = Duration.ZERO;
  private int partitions = 12;
  private int initialWorkers = 1;
  private long initialLag = 0;
  private DoubleUnaryOperator arrivals = t -> 0;
  private Predicate<Duration> readerDown = t -> false;

  public StreamWorld(ScalingPolicy policy) {
    this.policy = policy;
  }

  /** Records per second one worker can consume. */
  public StreamWorld perWorker(double v) {
    perWorker = v;
    return this;
  }

  public StreamWorld readyDelay(Duration v) {
    readyDelay = v;
    return this;
  }

  /**
   * How far committed offsets trail consumption: records consumed but not committed yet count as
   * lag, as they do for a real lag reader (about one commit interval). A whole number of ticks.
   */
  public StreamWorld commitDelay(Duration v) {
    commitDelay = v;
    return this;
  }

  public StreamWorld partitions(int v) {
    partitions = v;
    return this;
  }

  /** Workers running (and ready) at the start. */
  public StreamWorld initialWorkers(int v) {
    initialWorkers = v;
    return this;
  }

  public StreamWorld initialLag(long v) {
    initialLag = v;
    return this;
  }

  /** Records per second arriving, by seconds since the start. */
  public StreamWorld arrivals(DoubleUnaryOperator v) {
    arrivals = v;
    return this;
  }

  /** When the lag reader fails. */
  public StreamWorld readerDown(Predicate<Duration> v) {
    readerDown = v;
    return this;
  }

  /** The trace tests' loop: one tick per poll, the lag autoscaler deciding at every tick. */
  public List<Step> run(Duration length, Duration poll) {
    return run(length, poll, everyTick(policy));
  }

  /**
   * The lag autoscaler deciding at every tick on a fresh reading (none while the reader is down),
   * its state carried from one decision to the next.
   */
  public static Scaler everyTick(ScalingPolicy policy) {
    return new Scaler() {
      private ScalerState state = ScalerState.EMPTY;

      @Override
      public Act act(Tick k) {
        var d =
            LagAutoscaler.decide(
                policy,
                state,
                new LagAutoscaler.Observation(k.now(), k.reading(), k.requested(), k.ready()));
        state = d.state();
        return new Act(d.replicas(), d.reason(), d.message());
      }
    };
  }

  /** Runs the stream for {@code length} in steps of {@code tick}, {@code scaler} in the loop. */
  public List<Step> run(Duration length, Duration tick, Scaler scaler) {
    List<Instant> workers = new ArrayList<>(); // when each becomes ready
    for (int i = 0; i < initialWorkers; i++) workers.add(T0);
    double end = initialLag;
    double consumed = 0;
    int trail = (int) (commitDelay.toMillis() / tick.toMillis());
    List<Double> consumedAt = new ArrayList<>(); // by tick, for the committed offsets
    List<Step> trace = new ArrayList<>();
    double dt = tick.toMillis() / 1000.0;
    for (Duration t = Duration.ZERO; t.compareTo(length) <= 0; t = t.plus(tick)) {
      Instant now = T0.plus(t);
      int ready = (int) workers.stream().filter(at -> !at.isAfter(now)).count();
      if (!t.isZero()) {
        double rate = arrivals.applyAsDouble(t.toMillis() / 1000.0);
        end += rate * dt;
        consumed += Math.min(end - consumed, ready * perWorker * dt);
      }
      consumedAt.add(consumed);
      double committed = consumedAt.get(Math.max(0, consumedAt.size() - 1 - trail));
      long lag = Math.round(end) - Math.round(committed);
      int requested = workers.size();
      Act a =
          scaler.act(
              new Tick(
                  t,
                  now,
                  lag,
                  Math.round(committed),
                  partitions,
                  readerDown.test(t),
                  requested,
                  ready));
      int decided = a == null ? requested : a.replicas();
      trace.add(
          new Step(
              t,
              lag,
              arrivals.applyAsDouble(t.toMillis() / 1000.0),
              requested,
              ready,
              decided,
              a == null ? null : a.reason(),
              a == null ? null : a.message()));
      while (workers.size() < decided) workers.add(now.plus(readyDelay));
      // A Deployment scaling down removes the pods that are not ready first.
      workers.sort(Comparator.naturalOrder());
      while (workers.size() > decided) workers.remove(workers.size() - 1);
    }
    return trace;
  }

  /** Times the workers changed direction (up after down or down after up), by when. */
  public static List<Duration> directionChanges(List<Step> trace) {
    List<Duration> changes = new ArrayList<>();
    int last = 0;
    for (Step s : trace) {
      int dir = Integer.signum(s.decided() - s.requested());
      if (dir == 0) continue;
      if (last != 0 && dir != last) changes.add(s.t());
      last = dir;
    }
    return changes;
  }

  /** The most direction changes within any period of length {@code window}. */
  public static int mostDirectionChangesWithin(List<Step> trace, Duration window) {
    List<Duration> changes = directionChanges(trace);
    int most = 0;
    for (int i = 0; i < changes.size(); i++) {
      int n = 0;
      for (int j = i; j < changes.size(); j++) {
        if (changes.get(j).minus(changes.get(i)).compareTo(window) < 0) n++;
      }
      most = Math.max(most, n);
    }
    return most;
  }

  /** The trace as a table, for assertion messages. */
  public static String table(List<Step> trace) {
    StringBuilder b = new StringBuilder("\n   t(s)        lag  in/s  req ready -> new  reason\n");
    for (Step s : trace) {
      b.append(
          String.format(
              java.util.Locale.ROOT,
              "%7d %10d %5.0f %4d %5d -> %3d  %s%n",
              s.t().toSeconds(),
              s.lag(),
              s.arrivingPerSecond(),
              s.requested(),
              s.ready(),
              s.decided(),
              s.reason()));
    }
    return b.toString();
  }
}

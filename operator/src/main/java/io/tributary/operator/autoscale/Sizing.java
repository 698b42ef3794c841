package io.tributary.operator.autoscale;

import static io.tributary.operator.autoscale.LagAutoscaler.human;
import static io.tributary.operator.autoscale.LagAutoscaler.rate;

import java.util.Locale;

/**
 * What the lag and throughput ask for, before bounds and the direction rules of {@link
 * LagAutoscaler}.
 *
 * @param workers workers to recommend
 * @param keepUp workers the arrival rate alone needs (no backlog), or 0 when unknown
 * @param why the numbers, for the decision's message
 */
record Sizing(int workers, int keepUp, String why) {
  /**
   * A throughput-sized recommendation within this fraction of the current size keeps the size (the
   * HPA's default tolerance): lag that is only in flight must not add a worker.
   */
  static final double TOLERANCE = 0.1;

  static Sizing of(
      ScalingPolicy p, long lag, Throughput t, ScalerState.Capacity capacity, int current) {
    if (lag == 0 && t != null && t.idle()) {
      return new Sizing(0, 0, "no lag, nothing consumed or arriving");
    }
    if (t != null && capacity != null && capacity.measured()) {
      return byCapacity(p, lag, t, capacity.recordsPerSecond(), current);
    }
    return byLag(p, lag, t, capacity, current);
  }

  /** Enough workers to keep up with the records arriving and drain the backlog in time. */
  private static Sizing byCapacity(
      ScalingPolicy p, long lag, Throughput t, double capacity, int current) {
    double backlog = backlog(p, lag, t);
    double need = (t.producedPerSecond() + backlog / drainSeconds(p)) / capacity;
    int workers = (int) Math.min(Integer.MAX_VALUE, Math.ceil(need));
    // Rates wobble between readings: within the tolerance the size stays, unless a real backlog
    // is there to drain (a steady job exactly at capacity would otherwise never drain it).
    boolean close = current > 0 && Math.abs(need / current - 1) <= TOLERANCE;
    if (close && (need <= current || backlog == 0)) workers = current;
    workers = Math.max(1, workers);
    int keepUp = (int) Math.min(Integer.MAX_VALUE, Math.ceil(t.producedPerSecond() / capacity));
    return new Sizing(
        workers,
        keepUp,
        String.format(
            Locale.ROOT,
            "lag %d, %s records/s arriving: %s at %s records/s each keep up and drain the"
                + " backlog within %s",
            lag,
            rate(t.producedPerSecond()),
            LagAutoscaler.workers(workers),
            rate(capacity),
            human(p.targetDrainTime())));
  }

  /**
   * Before a worker's pace is measured: one worker per targetLagPerReplica records of lag, within
   * what the rate one worker was seen to consume says. A worker can do at least that, so at that
   * rate the workers needed to keep up and drain the backlog are at most so many: lag that asks for
   * more (it counts the records in flight, and piles up while pods start) adds no more. And fewer
   * workers than now only when the fewer are known to take the records arriving.
   */
  private static Sizing byLag(
      ScalingPolicy p, long lag, Throughput t, ScalerState.Capacity capacity, int current) {
    long perWorker = p.targetLagPerReplica();
    int byLag = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (lag + perWorker - 1) / perWorker));
    String needs =
        "lag "
            + lag
            + " needs "
            + LagAutoscaler.workers(byLag)
            + " at targetLagPerReplica "
            + perWorker;
    if (t == null || capacity == null) {
      return new Sizing(byLag, 0, needs + " (worker throughput not measured yet)");
    }
    double seen = capacity.recordsPerSecond();
    double arriving = t.producedPerSecond();
    int atMost = Math.max(1, workersFor(arriving + backlog(p, lag, t) / drainSeconds(p), seen));
    int known = Math.min(current, workersFor(arriving, seen));
    String unmeasured =
        String.format(
            Locale.ROOT,
            " (one worker was seen to consume %s records/s; what it can do with records waiting"
                + " is not measured yet)",
            rate(seen));
    if (byLag > atMost && atMost >= known) {
      return new Sizing(
          atMost,
          0,
          String.format(
              Locale.ROOT,
              "%s, but %s can keep up with %s records/s arriving and drain the backlog within"
                  + " %s even at the rate seen%s",
              needs,
              LagAutoscaler.workers(atMost),
              rate(arriving),
              human(p.targetDrainTime()),
              unmeasured));
    }
    if (known > Math.min(byLag, atMost)) {
      return new Sizing(
          known,
          0,
          String.format(
              Locale.ROOT,
              "%s, but fewer than %s are not known to keep up with %s records/s arriving%s",
              needs,
              LagAutoscaler.workers(known),
              rate(arriving),
              unmeasured));
    }
    return new Sizing(byLag, 0, needs + unmeasured);
  }

  /** Records consumed but not yet committed count as lag; they are no backlog. */
  private static double backlog(ScalingPolicy p, long lag, Throughput t) {
    return Math.max(0, lag - t.producedPerSecond() * p.inFlightSeconds());
  }

  private static double drainSeconds(ScalingPolicy p) {
    return p.targetDrainTime().toMillis() / 1000.0;
  }

  /** Workers that take {@code recordsPerSecond} at {@code each}. */
  private static int workersFor(double recordsPerSecond, double each) {
    return (int) Math.min(Integer.MAX_VALUE, Math.ceil(recordsPerSecond / each - 1e-9));
  }
}

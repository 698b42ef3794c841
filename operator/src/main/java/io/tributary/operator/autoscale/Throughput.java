package io.tributary.operator.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rates measured between successive offset readings over the rate window.
 *
 * @param consumedPerSecond records the workers committed per second
 * @param producedPerSecond records that arrived per second (end offsets' growth: consumed plus the
 *     growth of the lag)
 * @param perReadyWorker the most records per second one worker consumed over an interval, counting
 *     every worker ready at either end of it and a commit interval more than it lasted; null
 *     without ready workers. A lower bound of what a worker can do, measured or not: it may have
 *     waited for records, and it may have consumed for less time with fewer workers
 * @param saturatedPerReadyWorker records per second one ready worker consumed, counted only over
 *     intervals in which the workers had records waiting (a backlog beyond the records in flight)
 *     and none joined: what a worker can do; null when there was no such interval
 */
public record Throughput(
    double consumedPerSecond,
    double producedPerSecond,
    Double perReadyWorker,
    Double saturatedPerReadyWorker) {

  /**
   * Growth of the lag, as a fraction of the records consumed in the same interval, that shows the
   * workers could not keep up when a backlog is left at the end. Commit steps move the lag by about
   * 3% of a 30 s poll's consumption at the default commit interval; a tenth is well above that.
   */
  static final double GROWTH = 0.1;

  /** Nothing consumed and nothing arrived. */
  public boolean idle() {
    return consumedPerSecond == 0 && producedPerSecond == 0;
  }

  /**
   * Rates over the readings that overlap the policy's rate window ending at {@code current}. An
   * interval longer than the window (a job idle for hours, then a new reading) only counts when
   * there is no other: its average would hide what happened in the last minutes.
   *
   * @return empty with fewer than two readings, or when offsets went backwards in every interval (a
   *     group reset or a topic recreated)
   */
  static Optional<Throughput> of(
      List<ScalerState.Sample> samples, ScalerState.Sample current, ScalingPolicy policy) {
    Duration window = policy.rateWindow();
    List<ScalerState.Sample> points = new ArrayList<>(samples);
    if (points.isEmpty() || current.at().isAfter(points.get(points.size() - 1).at())) {
      points.add(current);
    }
    if (points.size() < 2) return Optional.empty();
    Instant windowStart = current.at().minus(window);
    double seconds = 0;
    double consumed = 0;
    double produced = 0;
    double perWorkerSeen = 0;
    double saturatedConsumed = 0;
    double saturatedWorkerSeconds = 0;
    for (int i = 1; i < points.size(); i++) {
      ScalerState.Sample a = points.get(i - 1);
      ScalerState.Sample b = points.get(i);
      Duration span = Duration.between(a.at(), b.at());
      boolean last = i == points.size() - 1;
      if (!b.at().isAfter(windowStart) || (span.compareTo(window) > 0 && !last)) continue;
      double dt = span.toMillis() / 1000.0;
      long dc = b.committed() - a.committed();
      long de = (b.committed() + b.lag()) - (a.committed() + a.lag());
      if (dt <= 0 || dc < 0 || de < 0) continue; // offsets reset: this interval says nothing
      seconds += dt;
      consumed += dc;
      produced += de;
      int most = Math.max(a.ready(), b.ready());
      if (most > 0) {
        double slack = policy.commitInterval().toMillis() / 1000.0;
        perWorkerSeen = Math.max(perWorkerSeen, dc / (most * (dt + slack)));
      }
      // Workers that left did so right after the reading before (a scale-down takes effect at
      // once), so b's count worked all along; workers that joined did so at some unknown moment,
      // and a rebalance paused everyone: such an interval says nothing about one worker's pace.
      if (dc > 0
          && b.ready() <= a.ready()
          && b.ready() > 0
          && hadRecordsWaiting(a, b, dc, dt, policy)) {
        saturatedConsumed += dc;
        saturatedWorkerSeconds += b.ready() * dt;
      }
    }
    if (seconds == 0) return Optional.empty();
    return Optional.of(
        new Throughput(
            consumed / seconds,
            produced / seconds,
            perWorkerSeen > 0 ? perWorkerSeen : null,
            saturatedWorkerSeconds > 0 ? saturatedConsumed / saturatedWorkerSeconds : null));
  }

  /**
   * Whether the workers had records waiting from {@code a} to {@code b}, so that what they consumed
   * is what they can do. Lag is not backlog: records consumed but not committed yet count as lag,
   * as many as the workers consume in a few seconds, so a step up in the load raises the lag and
   * the load stopping leaves one that the next commit clears. Only the lag beyond those, at the
   * pace the workers consumed, is a backlog. Records waited all along when the backlog at the start
   * outlasted the interval; or a backlog is left at the end and the lag grew by more than commit
   * steps explain: then the backlog may have begun during the interval, and the pace measured is
   * lower than the real one (more workers than needed, never fewer) until the next interval.
   */
  private static boolean hadRecordsWaiting(
      ScalerState.Sample a, ScalerState.Sample b, long dc, double dt, ScalingPolicy policy) {
    double inFlight = policy.inFlightSeconds() * dc / dt;
    boolean outlasted = a.lag() - inFlight >= dc;
    boolean grew = b.lag() - inFlight > 0 && b.lag() - a.lag() >= dc * GROWTH;
    return outlasted || grew;
  }
}

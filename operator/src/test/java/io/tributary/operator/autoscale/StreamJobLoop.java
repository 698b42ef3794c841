package io.tributary.operator.autoscale;

import io.tributary.operator.config.OperatorConfig;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link LagAutoscaler} driven as the operator drives it, as a {@link StreamWorld.Scaler}, for
 * {@code AutoscalingBenchmark}. The timing is the operator's:
 *
 * <ul>
 *   <li>one lag poller per Kafka cluster reads every {@code poll} ({@code
 *       OperatorConfig.lagPoll()}, {@code TRIBUTARY_LAG_POLL_SECONDS}, 30 s by default), at a fixed
 *       delay from when it started ({@code ClusterLag}), and keeps the reading, or the error, until
 *       the next read; a reading older than three polls is not used ({@code ClusterLag.read});
 *   <li>each refresh wakes the jobs that asked ({@code KafkaLagSource.onRefresh} → the StreamJob
 *       reconciler's {@code lag-refresh} event source), and the reconcile decides on the cached
 *       reading and writes the Deployment's replicas at once;
 *   <li>the Deployment's and its pods' changes reconcile the job too (its informers), with the
 *       cached reading: here, whenever the ready count moves;
 *   <li>a reconcile reschedules the job 3 polls later ({@code StreamJobReconciler}: {@code
 *       lagRecheck} when the lag source pushes refreshes), a safety net;
 *   <li>a reconcile that changed the Deployment or the status is followed by another (the job's
 *       status and its Deployment are watched): decided here at once, with the same reading.
 * </ul>
 *
 * <p>The autoscaler's memory goes from one decision to the next as it does through the job's
 * status. Not modelled: the time a refresh's admin calls and a reconcile take (milliseconds to a
 * second).
 */
final class StreamJobLoop implements StreamWorld.Scaler {
  /** The operator's default lag poll interval. */
  static final Duration POLL = OperatorConfig.defaults().lagPoll();

  private final ScalingPolicy policy;
  private final Duration poll;
  private final Duration phase;
  private ScalerState state = ScalerState.EMPTY;
  private LagReading cached;
  private Instant lastReconcile;
  private int lastReady = -1;

  /** Second reconciles that changed the size the first one set: the decision was not stable. */
  int unstable;

  /** Reconciles run. */
  int reconciles;

  /**
   * @param phase when, after the start, the poller first reads (then every {@code poll})
   */
  StreamJobLoop(ScalingPolicy policy, Duration poll, Duration phase) {
    this.policy = policy;
    this.poll = poll;
    this.phase = phase;
  }

  @Override
  public StreamWorld.Act act(StreamWorld.Tick k) {
    boolean refresh =
        k.t().isZero()
            || (k.t().compareTo(phase) >= 0
                && k.t().minus(phase).toMillis() % poll.toMillis() == 0);
    // The reading is the refresh's, kept until the next; a failed refresh keeps its error.
    if (refresh) cached = k.reading();
    boolean podEvent = k.ready() != lastReady;
    boolean recheck =
        lastReconcile != null && !k.now().isBefore(lastReconcile.plus(poll.multipliedBy(3)));
    if (!refresh && !podEvent && !recheck) return null;
    LagReading reading = usable(k.now());
    var d = reconcile(k.now(), reading, k.requested(), k.ready());
    for (int i = 0; i < 3 && d.replicas() != k.requested(); i++) {
      var again = reconcile(k.now(), reading, d.replicas(), k.ready());
      if (again.replicas() == d.replicas()) break;
      unstable++;
      d = again;
    }
    lastReady = k.ready();
    return new StreamWorld.Act(d.replicas(), d.reason(), d.message());
  }

  /** Whether a reconcile on a reading taken now would add workers. */
  boolean wouldScaleUp(StreamWorld.Tick k) {
    LagReading r = k.reading();
    if (r == null) return false;
    var d =
        LagAutoscaler.decide(
            policy, state, new LagAutoscaler.Observation(k.now(), r, k.requested(), k.ready()));
    return d.replicas() > k.requested();
  }

  private LagAutoscaler.Decision reconcile(Instant now, LagReading r, int current, int ready) {
    var d =
        LagAutoscaler.decide(policy, state, new LagAutoscaler.Observation(now, r, current, ready));
    state = d.state();
    lastReconcile = now;
    reconciles++;
    return d;
  }

  private LagReading usable(Instant now) {
    if (cached == null || cached.at().isBefore(now.minus(poll.multipliedBy(3)))) return null;
    return cached;
  }
}

package io.tributary.operator.status;

import io.tributary.operator.api.AutoscalerStatus;
import io.tributary.operator.api.OffsetSample;
import io.tributary.operator.api.ReplicaRecommendation;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.operator.autoscale.LagAutoscaler;
import io.tributary.operator.autoscale.ScalerState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The autoscaler's state as status stores it, and back. Times are RFC 3339 (to the millisecond:
 * throughput is measured between them); whatever does not parse is dropped, since someone edited
 * status by hand and a shorter memory only makes the autoscaler more cautious or scale-down
 * earlier.
 */
public final class AutoscalerStatuses {
  private AutoscalerStatuses() {}

  /** The status of a decision: what it chose and why, and the state the next decision needs. */
  public static AutoscalerStatus of(LagAutoscaler.Decision d) {
    ScalerState s = d.state();
    return new AutoscalerStatus(
        d.reason().name(),
        d.message(),
        d.throughput() == null ? null : round(d.throughput().consumedPerSecond()),
        d.throughput() == null ? null : round(d.throughput().producedPerSecond()),
        s.capacity() == null ? null : s.capacity().recordsPerSecond(),
        s.capacity() == null ? null : time(s.capacity().measuredAt()),
        s.capacity() == null ? null : s.capacity().measured(),
        time(s.lastScaleUp()),
        time(s.lastScaleDown()),
        orNull(
            s.recommendations().stream()
                .map(r -> new ReplicaRecommendation(time(r.since()), r.replicas()))
                .toList()),
        orNull(
            s.samples().stream()
                .map(x -> new OffsetSample(time(x.at()), x.committed(), x.lag(), x.ready()))
                .toList()));
  }

  /** The state the last decision left in {@code status}; empty for a new job. */
  public static ScalerState state(StreamJobStatus status) {
    AutoscalerStatus a = status == null ? null : status.autoscaler();
    if (a == null) return ScalerState.EMPTY;
    ScalerState.Capacity capacity = null;
    Instant measured = parse(a.workerCapacityMeasuredAt());
    if (a.workerCapacity() != null && a.workerCapacity() > 0 && measured != null) {
      // Before workerCapacityMeasured existed, a lag in flight could pass for a backlog, so an
      // older measurement may be far too low; but every one was a rate workers really reached.
      capacity =
          new ScalerState.Capacity(
              a.workerCapacity(), measured, Boolean.TRUE.equals(a.workerCapacityMeasured()));
    }
    return new ScalerState(
        parsed(
            a.recommendations(),
            r ->
                r.replicas() == null || parse(r.since()) == null
                    ? null
                    : new ScalerState.Recommendation(parse(r.since()), r.replicas())),
        parsed(
            a.samples(),
            x ->
                x.committed() == null || x.lag() == null || parse(x.at()) == null
                    ? null
                    : new ScalerState.Sample(
                        parse(x.at()), x.committed(), x.lag(), x.ready() == null ? 0 : x.ready())),
        capacity,
        parse(a.lastScaleUp()),
        parse(a.lastScaleDown()));
  }

  private static <A, B> List<B> parsed(List<A> in, Function<A, B> f) {
    List<B> out = new ArrayList<>();
    if (in == null) return out;
    for (A a : in) {
      B b = a == null ? null : f.apply(a);
      if (b != null) out.add(b);
    }
    return out;
  }

  private static <T> List<T> orNull(List<T> l) {
    return l.isEmpty() ? null : l;
  }

  private static String time(Instant i) {
    return i == null ? null : i.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private static Instant parse(String s) {
    if (s == null) return null;
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}

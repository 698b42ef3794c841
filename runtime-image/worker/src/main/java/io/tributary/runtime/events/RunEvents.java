package io.tributary.runtime.events;

import io.cloudevents.CloudEvent;
import io.tributary.events.EventType;
import io.tributary.events.TableCommit;
import io.tributary.events.TributaryEvents;
import io.tributary.events.delivery.EventSender;
import io.tributary.events.delivery.EventSenders;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.ops.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DataPipeline run's CloudEvents (the plan's {@code events}, docs/events.md): started when the
 * attempt starts reading, succeeded once the output is committed, failed when the attempt fails.
 *
 * <p>Events are reporting, never part of the run: they go out on their own thread, in order, so a
 * slow receiver neither delays the records nor fails a run; an event that cannot be delivered after
 * every attempt is logged and counted ({@code tributary_worker_events_total{outcome="failed"}}).
 * {@link #close} waits for the last events at most as long as their sender may take.
 */
public final class RunEvents implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunEvents.class);

  private final WorkerPlan plan;
  private final EventSender sender;
  private final WorkerMetrics metrics;
  private final Clock clock;
  private final ExecutorService thread;
  private int queued;

  RunEvents(WorkerPlan plan, EventSender sender, WorkerMetrics metrics, Clock clock) {
    this.plan = plan;
    this.sender = sender;
    this.metrics = metrics;
    this.clock = clock;
    this.thread =
        sender == null
            ? null
            : Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "run-events");
                  t.setDaemon(true);
                  return t;
                });
  }

  /** The events the plan asks for; none when it names no destination. */
  public static RunEvents create(WorkerPlan plan, WorkerMetrics metrics) {
    EventSender sender =
        plan.events() == null
            ? null
            : EventSenders.open(
                plan.events(),
                "tributary-events-" + plan.pipeline().namespace() + "-" + plan.pipeline().name());
    return new RunEvents(plan, sender, metrics, Clock.systemUTC());
  }

  /** The run's attempt starts reading. */
  public void started() {
    send(
        EventType.RUN_STARTED,
        () ->
            TributaryEvents.runStarted(plan.pipeline(), plan.sink(), plan.run(), clock.instant()));
  }

  /**
   * The run's output is committed.
   *
   * @param commit where the sink committed it, or null when the sink does not say
   */
  public void succeeded(RunSummary summary, TableCommit commit) {
    send(
        EventType.RUN_SUCCEEDED,
        () ->
            TributaryEvents.runSucceeded(
                plan.pipeline(), plan.sink(), plan.run(), summary, commit, clock.instant()));
  }

  /** The run's attempt failed, as {@code summary} says. */
  public void failed(RunSummary summary) {
    send(
        EventType.RUN_FAILED,
        () ->
            TributaryEvents.runFailed(
                plan.pipeline(), plan.sink(), plan.run(), summary, clock.instant()));
  }

  private synchronized void send(EventType type, Supplier<CloudEvent> build) {
    if (sender == null) return;
    CloudEvent event;
    try {
      event = build.get();
    } catch (RuntimeException e) {
      LOG.warn("run {}: the {} event cannot be built: {}", plan.run().id(), type.shortName(), e);
      metrics.event(type.shortName(), false);
      return;
    }
    queued++;
    thread.execute(() -> deliver(type, event));
  }

  private void deliver(EventType type, CloudEvent event) {
    EventSender.Delivery d;
    try {
      d = sender.send(event);
    } catch (RuntimeException e) {
      d = EventSender.Delivery.failed(0, e.toString());
    }
    metrics.event(type.shortName(), d.delivered());
    if (d.delivered()) {
      LOG.info(
          "run {}: {} event {} delivered to {}",
          plan.run().id(),
          type.shortName(),
          event.getId(),
          sender.destination());
    } else {
      LOG.warn(
          "run {}: {} event {} not delivered to {} after {} attempt(s), the run is not"
              + " affected: {}",
          plan.run().id(),
          type.shortName(),
          event.getId(),
          sender.destination(),
          d.attempts(),
          d.error());
    }
  }

  /** Waits for the events still queued (at most as long as their sender may take), then stops. */
  @Override
  public synchronized void close() {
    if (sender == null) return;
    thread.shutdown();
    Duration wait = sender.longest().multipliedBy(Math.max(1, queued)).plusSeconds(1);
    try {
      if (!thread.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "run {}: events still not delivered to {} after {}; giving up on them",
            plan.run().id(),
            sender.destination(),
            wait);
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.shutdownNow();
    }
    try {
      sender.close();
    } catch (RuntimeException e) {
      LOG.warn("run {}: closing the event sender failed: {}", plan.run().id(), e.toString());
    }
  }
}

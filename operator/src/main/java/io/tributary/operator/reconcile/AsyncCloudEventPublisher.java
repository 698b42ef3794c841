package io.tributary.operator.reconcile;

import io.cloudevents.CloudEvent;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tributary.events.delivery.EventSender;
import io.tributary.events.delivery.EventSenders;
import io.tributary.pipeline.EventsSpec;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers CloudEvents in the background: one lane per destination, each a sender (a Kafka producer
 * or an HTTP client) and one thread working through a bounded queue in order. A receiver that is
 * slow or down holds up only its own lane, never a reconcile and never another destination's
 * events. Past {@link #QUEUE} events waiting in a lane, new ones are dropped and counted as not
 * delivered, rather than growing the heap.
 */
public final class AsyncCloudEventPublisher implements CloudEventPublisher {
  static final int QUEUE = 1_000;
  private static final java.util.concurrent.atomic.AtomicInteger LANES =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final Logger log = LoggerFactory.getLogger(AsyncCloudEventPublisher.class);

  /** Told how each event ended: for the metrics. */
  @FunctionalInterface
  public interface Outcomes {
    void delivered(HasMetadata owner, CloudEvent event, boolean delivered);
  }

  private final Outcomes outcomes;
  private final Map<EventsSpec, Lane> lanes = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public AsyncCloudEventPublisher(Outcomes outcomes) {
    this.outcomes = outcomes;
  }

  @Override
  public void publish(HasMetadata owner, EventsSpec destination, CloudEvent event) {
    if (closed) {
      outcomes.delivered(owner, event, false);
      return;
    }
    Lane lane = lanes.computeIfAbsent(destination, Lane::new);
    try {
      lane.thread.execute(() -> lane.deliver(owner, event));
    } catch (RejectedExecutionException e) {
      log.warn(
          "dropping event {} ({}) of {}: {} events already wait for {}",
          event.getId(),
          event.getType(),
          owner.getMetadata().getName(),
          lane.thread.getQueue().size(),
          lane.sender.destination());
      outcomes.delivered(owner, event, false);
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Lane lane : lanes.values()) lane.thread.shutdown();
    for (Lane lane : lanes.values()) {
      try {
        if (!lane.thread.awaitTermination(
            lane.sender.longest().toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn(
              "{} events not delivered to {} before shutdown",
              lane.thread.getQueue().size(),
              lane.sender.destination());
          lane.thread.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        lane.thread.shutdownNow();
      }
      lane.sender.close();
    }
  }

  /** Events waiting or being delivered, over every lane: for tests and logs. */
  int pending() {
    return lanes.values().stream()
        .mapToInt(l -> l.thread.getQueue().size() + l.thread.getActiveCount())
        .sum();
  }

  private final class Lane {
    final EventSender sender;
    final ThreadPoolExecutor thread;

    Lane(EventsSpec destination) {
      // One producer per lane, each with its own client id (Kafka registers its metrics by it).
      this.sender =
          EventSenders.open(destination, "tributary-operator-events-" + LANES.incrementAndGet());
      this.thread =
          new ThreadPoolExecutor(
              1,
              1,
              0,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(QUEUE),
              r -> {
                Thread t = new Thread(r, "cloudevents " + sender.destination());
                t.setDaemon(true);
                return t;
              },
              new ThreadPoolExecutor.AbortPolicy());
    }

    void deliver(HasMetadata owner, CloudEvent event) {
      EventSender.Delivery d;
      try {
        d = sender.send(event);
      } catch (RuntimeException e) {
        d = EventSender.Delivery.failed(0, e.toString());
      }
      outcomes.delivered(owner, event, d.delivered());
      if (d.delivered()) {
        log.debug(
            "event {} ({}) delivered to {}", event.getId(), event.getType(), sender.destination());
      } else {
        log.warn(
            "event {} ({}) of {}/{} not delivered to {} after {} attempt(s): {}",
            event.getId(),
            event.getType(),
            owner.getMetadata().getNamespace(),
            owner.getMetadata().getName(),
            sender.destination(),
            d.attempts(),
            d.error());
      }
    }
  }
}

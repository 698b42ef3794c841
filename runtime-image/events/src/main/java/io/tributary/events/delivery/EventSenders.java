package io.tributary.events.delivery;

import io.cloudevents.CloudEvent;
import io.tributary.pipeline.Durations;
import io.tributary.pipeline.EventsSpec;
import java.time.Duration;
import java.util.function.Supplier;

/** Opens the sender a destination asks for. */
public final class EventSenders {
  private EventSenders() {}

  /**
   * The sender for {@code events}, whose defaults the plan compiler applied. It is set up on the
   * first event, and again on the next one when that failed (a Kafka bootstrap address that does
   * not resolve yet, say): such an event fails with the reason, and events never keep a pipeline
   * from running.
   *
   * @param clientId the Kafka client id, e.g. {@code tributary-events-<namespace>-<name>}
   */
  public static EventSender open(EventsSpec events, String clientId) {
    Supplier<EventSender> open =
        events.kafka() != null
            ? () -> new KafkaEventSender(events.kafka(), clientId)
            : () -> new HttpEventSender(events.http());
    return new SetUpOnUse(open, destination(events), longest(events));
  }

  /** Where {@code events} go, for logs: the URL or {@code kafka:<topic>}. */
  static String destination(EventsSpec events) {
    return events.kafka() != null ? "kafka:" + events.kafka().topic() : events.http().url();
  }

  /** The longest one delivery to {@code events} may take; zero when its settings do not parse. */
  static Duration longest(EventsSpec events) {
    if (events.kafka() != null) return KafkaEventSender.LONGEST;
    try {
      return HttpEventSender.longest(
          Durations.parse(events.http().timeout()), events.http().maxAttempts());
    } catch (RuntimeException e) {
      return Duration.ZERO;
    }
  }

  /** A sender set up when first used, and again after a failed set-up. */
  private static final class SetUpOnUse implements EventSender {
    private final Supplier<EventSender> open;
    private final String destination;
    private final Duration longest;
    private EventSender sender;
    private boolean closed;

    SetUpOnUse(Supplier<EventSender> open, String destination, Duration longest) {
      this.open = open;
      this.destination = destination;
      this.longest = longest;
    }

    @Override
    public Delivery send(CloudEvent event) {
      EventSender s;
      synchronized (this) {
        if (closed) return Delivery.failed(0, "the sender is closed");
        if (sender == null) {
          try {
            sender = open.get();
          } catch (RuntimeException e) {
            return Delivery.failed(0, "the sender could not be set up: " + e);
          }
        }
        s = sender;
      }
      return s.send(event);
    }

    @Override
    public String destination() {
      return destination;
    }

    @Override
    public Duration longest() {
      return longest;
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (sender != null) sender.close();
    }
  }
}

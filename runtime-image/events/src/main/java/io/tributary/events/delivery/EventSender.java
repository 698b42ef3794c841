package io.tributary.events.delivery;

import io.cloudevents.CloudEvent;

/**
 * Delivers CloudEvents to one destination. Events are reporting, never part of the work: {@link
 * #send} does not throw, it says whether the event arrived.
 */
public interface EventSender extends AutoCloseable {

  /** Delivers {@code event}, retrying as the destination's settings say; blocks until done. */
  Delivery send(CloudEvent event);

  /** Where events go, for logs: {@code http://host/path} or {@code kafka:topic}. */
  String destination();

  /** The longest one {@link #send} may block, every retry and backoff included. */
  java.time.Duration longest();

  @Override
  void close();

  /**
   * How a delivery ended.
   *
   * @param attempts attempts made
   * @param error why the last attempt failed; null when the event was delivered
   */
  record Delivery(boolean delivered, int attempts, String error) {
    public static Delivery ok(int attempts) {
      return new Delivery(true, attempts, null);
    }

    public static Delivery failed(int attempts, String error) {
      return new Delivery(false, attempts, error);
    }
  }
}

package io.tributary.operator.reconcile;

import io.cloudevents.CloudEvent;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tributary.pipeline.EventsSpec;

/**
 * Hands a resource's CloudEvents (docs/events.md) to whatever delivers them. {@link #publish}
 * returns at once: a reconcile never waits on a receiver.
 */
public interface CloudEventPublisher extends AutoCloseable {

  /**
   * Sends {@code event} about {@code owner} to {@code destination} (its defaults applied by the
   * plan compiler), in the background and in order per destination.
   */
  void publish(HasMetadata owner, EventsSpec destination, CloudEvent event);

  /** Delivers what is queued, waiting a bounded time, and closes every sender. */
  @Override
  void close();
}

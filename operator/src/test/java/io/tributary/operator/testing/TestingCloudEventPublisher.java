package io.tributary.operator.testing;

import io.cloudevents.CloudEvent;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tributary.operator.reconcile.CloudEventPublisher;
import io.tributary.pipeline.EventsSpec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what the reconcilers hand over to be sent, in order, instead of sending it. */
public final class TestingCloudEventPublisher implements CloudEventPublisher {
  /** One event handed over: about whom, to where. */
  public record Published(
      String namespace, String name, EventsSpec destination, CloudEvent event) {}

  private final List<Published> published = new CopyOnWriteArrayList<>();

  @Override
  public void publish(HasMetadata owner, EventsSpec destination, CloudEvent event) {
    published.add(
        new Published(
            owner.getMetadata().getNamespace(), owner.getMetadata().getName(), destination, event));
  }

  /** Everything handed over so far. */
  public List<Published> published() {
    return List.copyOf(published);
  }

  /** The types handed over for {@code name}, in order. */
  public List<String> types(String name) {
    return published.stream()
        .filter(p -> p.name().equals(name))
        .map(p -> p.event().getType())
        .toList();
  }

  @Override
  public void close() {}
}

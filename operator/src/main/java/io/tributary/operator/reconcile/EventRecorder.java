package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events: what a user must see in `kubectl describe`.
 *
 * <p>Written by one background thread, in the order they were recorded, as client-go's recorder
 * does: an Event is best effort, and a reconcile must not wait on the API server for its audit
 * trail. When a thousand jobs are created at once, their Events queue here rather than hold a
 * thousand reconciles. The queue is bounded: past {@link #QUEUE} Events waiting, new ones are
 * dropped with a warning rather than growing the heap.
 */
public final class EventRecorder implements AutoCloseable {
  static final int QUEUE = 10_000;
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private final KubernetesClient client;
  private final Clock clock;
  private final ThreadPoolExecutor writer;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
    this.writer =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, "event-recorder");
              t.setDaemon(true);
              return t;
            },
            (r, pool) ->
                log.warn(
                    "dropping an Event: {} are already waiting to be written",
                    pool.getQueue().size()));
  }

  /** Writes the Events still queued, waiting at most {@code timeout}. */
  public void close(Duration timeout) {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{} Events not written before shutdown", writer.getQueue().size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  public void warning(HasMetadata about, String reason, String message) {
    record(about, "Warning", reason, message);
  }

  public void normal(HasMetadata about, String reason, String message) {
    record(about, "Normal", reason, message);
  }

  private void record(HasMetadata about, String type, String reason, String message) {
    String namespace =
        about.getMetadata().getNamespace() != null ? about.getMetadata().getNamespace() : "default";
    String now = Instant.now(clock).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(about.getMetadata().getName() + ".")
            .withNamespace(namespace)
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(about.getApiVersion())
            .withKind(about.getKind())
            .withName(about.getMetadata().getName())
            .withNamespace(about.getMetadata().getNamespace())
            .withUid(about.getMetadata().getUid())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent("tributary-operator")
            .endSource()
            .build();
    writer.execute(() -> write(namespace, event));
  }

  private void write(String namespace, io.fabric8.kubernetes.api.model.Event event) {
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      // An event is best effort: never fail a reconcile because the audit trail hiccuped.
      log.warn(
          "could not record event {} on {}: {}",
          event.getReason(),
          event.getInvolvedObject().getName(),
          e.getMessage());
    }
  }
}

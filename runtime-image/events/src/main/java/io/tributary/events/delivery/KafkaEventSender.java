package io.tributary.events.delivery;

import io.cloudevents.CloudEvent;
import io.tributary.pipeline.EventsSpec;
import io.tributary.plan.KafkaClientSettings;
import io.tributary.plan.KafkaEndpoint;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Produces each event to a topic as a structured-mode JSON CloudEvent (the SDK's Kafka serializer),
 * keyed by the event's source so one pipeline's events keep their order. The producer is idempotent
 * and every replica acknowledges; its settings are {@link KafkaClientSettings#eventProducer}'s.
 */
public final class KafkaEventSender implements EventSender {
  /** The producer's delivery timeout, and a margin for the wait on its answer. */
  static final Duration LONGEST =
      Duration.ofMillis(KafkaClientSettings.EVENT_DELIVERY_TIMEOUT_MS + 5_000L);

  private final Producer<String, CloudEvent> producer;
  private final String topic;

  public KafkaEventSender(EventsSpec.Kafka kafka, String clientId) {
    this.topic = kafka.topic();
    this.producer =
        new KafkaProducer<>(
            KafkaClientSettings.properties(
                KafkaClientSettings.eventProducer(
                    KafkaEndpoint.plain(kafka.bootstrapServers()), clientId)));
  }

  @Override
  public Delivery send(CloudEvent event) {
    try {
      // The producer gives up after its delivery timeout; the wait here only backs that up.
      producer
          .send(new ProducerRecord<>(topic, event.getSource().toString(), event))
          .get(longest().toMillis(), TimeUnit.MILLISECONDS);
      return Delivery.ok(1);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return Delivery.failed(1, cause.toString());
    } catch (TimeoutException e) {
      return Delivery.failed(1, "no acknowledgement in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Delivery.failed(1, "interrupted");
    } catch (RuntimeException e) {
      return Delivery.failed(1, e.toString());
    }
  }

  @Override
  public Duration longest() {
    return LONGEST;
  }

  @Override
  public String destination() {
    return "kafka:" + topic;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}

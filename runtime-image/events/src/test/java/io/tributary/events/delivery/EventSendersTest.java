package io.tributary.events.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.events.TributaryEvents;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.LakeSink;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventSendersTest {
  private static final io.cloudevents.CloudEvent EVENT =
      TributaryEvents.runStarted(
          new WorkerPlan.PipelineIdentity("ml", "features", "uid-1"),
          SinkSpec.of(new LakeSink("/lake/features", FileFormat.JSONL, null)),
          new WorkerPlan.Run("r-1", 1, null),
          Instant.parse("2026-11-30T02:00:00Z"));

  @Test
  void aSenderThatCannotBeSetUpFailsEachEventWithTheReasonInsteadOfThrowing() {
    // A zero timeout is refused by the plan check; the HTTP client refuses it too.
    EventSender sender =
        EventSenders.open(
            new EventsSpec(null, new EventsSpec.Http("http://127.0.0.1:1/x", "0s", 1)), "t");
    EventSender.Delivery d = sender.send(EVENT);
    assertThat(d.delivered()).isFalse();
    assertThat(d.error()).startsWith("the sender could not be set up: ");
    assertThat(sender.destination()).isEqualTo("http://127.0.0.1:1/x");
    sender.close();
    assertThat(sender.send(EVENT).error()).isEqualTo("the sender is closed");
  }

  @Test
  void theLongestADeliveryTakesCountsEveryAttemptAndBackoff() {
    EventSender http =
        EventSenders.open(
            new EventsSpec(null, new EventsSpec.Http("http://127.0.0.1:1/x", "5s", 3)), "t");
    // 3 attempts × (connect + answer) × 5s, and backoffs of 200ms and 400ms.
    assertThat(http.longest()).isEqualTo(Duration.ofMillis(30_600));
    EventSender kafka = EventSenders.open(EventsSpec.kafka("127.0.0.1:1", "events"), "t");
    assertThat(kafka.longest()).isEqualTo(Duration.ofSeconds(15));
    assertThat(kafka.destination()).isEqualTo("kafka:events");
    kafka.close();
  }
}

package io.tributary.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.status.StreamJobCloudEvents;
import io.tributary.operator.testing.Golden;
import io.tributary.pipeline.EventsSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's sender, against real HTTP receivers on the loopback interface: publishing never
 * waits on a receiver, and a slow one holds up only its own events.
 */
class AsyncCloudEventPublisherTest {
  private static final Instant AT = Instant.parse("2026-11-30T09:15:00Z");
  private final StreamJob job = Golden.fixture("fraud-streamjob.yaml", StreamJob.class);
  private final CountDownLatch slowReleased = new CountDownLatch(1);
  private final CountDownLatch slowEntered = new CountDownLatch(1);
  private final List<CloudEvent> slowGot = new CopyOnWriteArrayList<>();
  private final List<CloudEvent> fastGot = new CopyOnWriteArrayList<>();
  private final List<String> outcomes = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private AsyncCloudEventPublisher publisher;

  @BeforeEach
  void receivers() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext(
        "/slow",
        ex -> {
          slowEntered.countDown();
          await().until(() -> slowReleased.getCount() == 0);
          take(ex, slowGot);
        });
    server.createContext("/fast", ex -> take(ex, fastGot));
    server.start();
    publisher =
        new AsyncCloudEventPublisher(
            (owner, event, delivered) ->
                outcomes.add(
                    event.getType().substring(event.getType().lastIndexOf('.') + 1)
                        + (delivered ? " delivered" : " failed")));
  }

  @AfterEach
  void stop() {
    slowReleased.countDown();
    publisher.close();
    server.stop(0);
  }

  private static void take(HttpExchange ex, List<CloudEvent> into) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    Map<String, String> headers = new HashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
    into.add(HttpMessageFactory.createReader(headers, body).toEvent());
    ex.sendResponseHeaders(204, -1);
    ex.close();
  }

  private EventsSpec at(String path, int maxAttempts) {
    return new EventsSpec(
        null,
        new EventsSpec.Http(
            "http://127.0.0.1:" + server.getAddress().getPort() + path, "30s", maxAttempts));
  }

  @Test
  void aSlowReceiverHoldsUpNeitherTheCallerNorAnotherDestination() throws Exception {
    CloudEvent first = StreamJobCloudEvents.scaled(job, 2, 3, "from 2 to 3 workers", AT);
    CloudEvent second = StreamJobCloudEvents.scaled(job, 3, 4, "from 3 to 4 workers", AT);
    publisher.publish(job, at("/slow", 1), first);
    publisher.publish(job, at("/slow", 1), second);
    slowEntered.await();
    // Both calls returned while the slow receiver still holds the first event.
    CloudEvent elsewhere = StreamJobCloudEvents.scaled(job, 4, 5, "from 4 to 5 workers", AT);
    publisher.publish(job, at("/fast", 1), elsewhere);
    await().until(() -> fastGot.size() == 1);
    assertThat(slowGot).isEmpty();
    assertThat(fastGot.get(0).getId()).isEqualTo(elsewhere.getId());

    slowReleased.countDown();
    await().until(() -> slowGot.size() == 2);
    // In the order they were published.
    assertThat(slowGot)
        .extracting(CloudEvent::getId)
        .containsExactly(first.getId(), second.getId());
    await().until(() -> outcomes.size() == 3);
    assertThat(outcomes).containsOnly("scaled delivered");
  }

  @Test
  void anEventNobodyTakesIsCountedAsFailed() {
    EventsSpec nowhere = new EventsSpec(null, new EventsSpec.Http("http://127.0.0.1:1/x", "1s", 1));
    publisher.publish(job, nowhere, StreamJobCloudEvents.scaled(job, 1, 0, "suspended", AT));
    await().until(() -> outcomes.size() == 1);
    assertThat(outcomes).containsExactly("scaled failed");
  }

  @Test
  void afterCloseNothingIsSentAndTheEventIsCounted() {
    publisher.close();
    publisher.publish(job, at("/fast", 1), StreamJobCloudEvents.scaled(job, 1, 2, "m", AT));
    assertThat(outcomes).containsExactly("scaled failed");
    assertThat(fastGot).isEmpty();
  }
}

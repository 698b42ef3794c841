package io.tributary.events.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.tributary.events.TributaryEvents;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.LakeSink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real HTTP receiver on the loopback interface, reading what it gets with the SDK. */
class HttpEventSenderTest {
  private static final CloudEvent EVENT =
      TributaryEvents.runStarted(
          new WorkerPlan.PipelineIdentity("ml", "features", "uid-1"),
          SinkSpec.of(new LakeSink("/lake/features", FileFormat.JSONL, null)),
          new WorkerPlan.Run("r-1", 1, null),
          Instant.parse("2026-11-30T02:00:00Z"));

  private HttpServer server;
  private final List<CloudEvent> received = new CopyOnWriteArrayList<>();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();

  /** Answers with these statuses in turn, then 202 for good. */
  private final List<Integer> answers = new CopyOnWriteArrayList<>();

  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/events", this::receive);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void receive(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    byte[] body = exchange.getRequestBody().readAllBytes();
    Map<String, String> headers = new HashMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
    contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
    received.add(HttpMessageFactory.createReader(headers, body).toEvent());
    int status = answers.isEmpty() ? 202 : answers.remove(0);
    byte[] reply = (status >= 400 ? "no thanks: " + status : "").getBytes();
    exchange.sendResponseHeaders(status, reply.length == 0 ? -1 : reply.length);
    if (reply.length > 0) exchange.getResponseBody().write(reply);
    exchange.close();
  }

  private EventSender sender(int maxAttempts) {
    return EventSenders.open(
        new EventsSpec(
            null,
            new EventsSpec.Http(
                "http://127.0.0.1:" + server.getAddress().getPort() + "/events",
                "2s",
                maxAttempts)),
        "test");
  }

  @Test
  void aStructuredJsonCloudEventArrives() {
    EventSender.Delivery d = sender(3).send(EVENT);
    assertThat(d).isEqualTo(EventSender.Delivery.ok(1));
    assertThat(contentTypes).containsExactly("application/cloudevents+json");
    CloudEvent got = received.get(0);
    assertThat(got.getId()).isEqualTo(EVENT.getId());
    assertThat(got.getType()).isEqualTo("io.tributary.datapipeline.run.started");
    assertThat(got.getSource()).isEqualTo(EVENT.getSource());
    assertThat(got.getSubject()).isEqualTo("r-1");
    assertThat(got.getData().toBytes()).isEqualTo(EVENT.getData().toBytes());
  }

  @Test
  void aBusyReceiverGetsTheSameEventAgainUntilItTakesIt() {
    answers.addAll(List.of(503, 429));
    EventSender.Delivery d = sender(3).send(EVENT);
    assertThat(d).isEqualTo(EventSender.Delivery.ok(3));
    assertThat(received).extracting(CloudEvent::getId).containsOnly(EVENT.getId()).hasSize(3);
  }

  @Test
  void aRefusalIsFinalAndSaysWhy() {
    answers.add(400);
    EventSender.Delivery d = sender(3).send(EVENT);
    assertThat(d.delivered()).isFalse();
    assertThat(d.attempts()).isEqualTo(1);
    assertThat(d.error()).isEqualTo("HTTP 400: no thanks: 400");
    assertThat(requests).hasValue(1);
  }

  @Test
  void aReceiverThatIsDownFailsEveryAttemptWithoutThrowing() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    EventSender sender =
        EventSenders.open(
            new EventsSpec(
                null, new EventsSpec.Http("http://127.0.0.1:" + closed + "/events", "1s", 2)),
            "test");
    EventSender.Delivery d = sender.send(EVENT);
    assertThat(d.delivered()).isFalse();
    assertThat(d.attempts()).isEqualTo(2);
    assertThat(d.error()).contains("ConnectException");
  }
}

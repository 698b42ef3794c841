package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.files;
import static io.tributary.runtime.batch.BatchPlans.lake;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's CloudEvents POSTed to a real HTTP receiver on the loopback interface (as an Argo Events
 * webhook would take them), parsed with the SDK's HTTP binding; and a receiver that fails, which
 * must not fail the run.
 */
class RunEventsHttpTest {
  @TempDir Path dir;
  private HttpServer server;
  private final List<CloudEvent> received = new CopyOnWriteArrayList<>();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int status = 202;

  @BeforeEach
  void receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/fresh-data", this::receive);
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
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  private BatchPlans run(String url, int maxAttempts) throws IOException {
    Path in = dir.resolve("in/orders.jsonl");
    Files.createDirectories(in.getParent());
    Files.writeString(in, "{\"id\":1}\n{\"id\":2}\n");
    BatchPlans p = new BatchPlans();
    p.source = files(in, FileFormat.JSONL);
    p.sink = lake(dir.resolve("lake/orders"), FileFormat.JSONL);
    p.events = new EventsSpec(null, new EventsSpec.Http(url, "2s", maxAttempts));
    return p;
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/fresh-data";
  }

  @Test
  void theReceiverGetsStructuredJsonCloudEventsOfTheRun() throws Exception {
    BatchWorker worker = new BatchWorker(run(url(), 3).build(), dir.resolve("termination"));

    assertThat(worker.run()).isEqualTo(ExitCodes.OK);

    assertThat(contentTypes).containsOnly("application/cloudevents+json").hasSize(2);
    assertThat(received)
        .extracting(CloudEvent::getType)
        .containsExactly(
            "io.tributary.datapipeline.run.started", "io.tributary.datapipeline.run.succeeded");
    CloudEvent done = received.get(1);
    assertThat(done.getSource().toString())
        .isEqualTo("/namespaces/team-a/datapipelines/orders-daily");
    assertThat(done.getSubject()).isEqualTo("run-1");
    JsonNode data = BatchPlans.JSON.readTree(done.getData().toBytes());
    assertThat(data.at("/records/written").asLong()).isEqualTo(2);
    assertThat(data.at("/commit/files").asInt()).isEqualTo(1);
  }

  @Test
  void aReceiverThatKeepsFailingIsCountedAndTheRunStillSucceeds() throws Exception {
    status = 503;
    BatchWorker worker = new BatchWorker(run(url(), 2).build(), dir.resolve("termination"));

    assertThat(worker.run()).isEqualTo(ExitCodes.OK);

    RunSummary summary = PlanJson.readSummary(Files.readString(dir.resolve("termination")));
    assertThat(summary.outcome()).isEqualTo(RunSummary.SUCCEEDED);
    assertThat(summary.recordsWritten()).isEqualTo(2);
    assertThat(Files.exists(dir.resolve("lake/orders/_SUCCESS"))).isTrue();
    // Every event was tried twice, with the same id each time, then given up and counted.
    assertThat(requests).hasValue(4);
    assertThat(received.get(0).getId()).isEqualTo(received.get(1).getId());
    assertThat(worker.metrics().eventCount("started", "failed")).isEqualTo(1);
    assertThat(worker.metrics().eventCount("succeeded", "failed")).isEqualTo(1);
    assertThat(worker.metrics().eventCount("succeeded", "delivered")).isZero();
  }

  @Test
  void aReceiverThatIsDownDoesNotFailTheRun() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    BatchWorker worker =
        new BatchWorker(
            run("http://127.0.0.1:" + closed + "/fresh-data", 2).build(),
            dir.resolve("termination"));

    assertThat(worker.run()).isEqualTo(ExitCodes.OK);

    assertThat(worker.metrics().eventCount("started", "failed")).isEqualTo(1);
    assertThat(worker.metrics().eventCount("succeeded", "failed")).isEqualTo(1);
  }
}

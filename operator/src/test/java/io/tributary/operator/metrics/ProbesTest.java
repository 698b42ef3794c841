package io.tributary.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probes as the kubelet sees them: on the metrics server, next to /metrics. */
class ProbesTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private boolean started;
  private boolean healthy;
  private HTTPServer server;

  private int serve() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().name("probes_test_total").register(registry).inc();
    Probes.State state =
        new Probes.State() {
          @Override
          public boolean started() {
            return started;
          }

          @Override
          public boolean eventSourcesHealthy() {
            return healthy;
          }
        };
    server =
        HTTPServer.builder()
            .port(0)
            .registry(registry)
            .defaultHandler(new Probes(state))
            .buildAndStart();
    return server.getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void whileStartingItIsAliveButNotReady() throws Exception {
    int port = serve();
    assertThat(get(port, "/readyz").statusCode()).isEqualTo(503);
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
  }

  /** A standby replica (started, informers synced, not the Lease holder) looks like this too. */
  @Test
  void startedWithHealthyInformersItIsReadyAndAlive() throws Exception {
    started = true;
    healthy = true;
    int port = serve();
    assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void anUnhealthyInformerAfterTheStartFailsBothProbes() throws Exception {
    started = true;
    int port = serve();
    assertThat(get(port, "/readyz").statusCode()).isEqualTo(503);
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(503);
  }

  @Test
  void metricsAreStillServedAndOtherPathsAreNotFound() throws Exception {
    int port = serve();
    HttpResponse<String> metrics = get(port, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("probes_test_total 1.0");
    assertThat(get(port, "/").statusCode()).isEqualTo(404);
  }
}

package io.tributary.runtime.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code /metrics} (Prometheus text), {@code /healthz} (the worker is alive and not failed)
 * and {@code /readyz} (it has initialized and is consuming) on the plan's metrics port, with the
 * JDK's HTTP server so the image needs no web framework.
 */
public final class OpsServer implements AutoCloseable {
  private final HttpServer server;

  public OpsServer(
      int port, PrometheusRegistry registry, BooleanSupplier healthy, BooleanSupplier ready)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 16);
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    server.createContext(
        "/metrics",
        ex -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          writer.write(body, registry.scrape());
          respond(ex, 200, writer.getContentType(), body.toByteArray());
        });
    server.createContext("/healthz", ex -> status(ex, healthy.getAsBoolean()));
    server.createContext("/readyz", ex -> status(ex, ready.getAsBoolean()));
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "ops-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void status(HttpExchange ex, boolean ok) throws IOException {
    respond(
        ex,
        ok ? 200 : 503,
        "text/plain; charset=utf-8",
        (ok ? "ok\n" : "not ok\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange ex, int code, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

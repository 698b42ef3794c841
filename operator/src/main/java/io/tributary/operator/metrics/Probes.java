package io.tributary.operator.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code /healthz} and {@code /readyz} for the kubelet, served beside {@code /metrics} on the
 * metrics port (as the metrics server's default handler: any other path answers 404).
 *
 * <ul>
 *   <li>{@code /readyz}: the operator has started, that is its informers have synced, and every
 *       event source is healthy. With leader election both replicas start their informers (JOSDK
 *       starts the controllers of a replica that does not hold the Lease with event processing
 *       off), so the standby is ready too: it can take over within one lease period, with warm
 *       caches. The chart's startup probe asks this one.
 *   <li>{@code /healthz}: no event source of a started operator is unhealthy (an informer that lost
 *       its watch for good, for instance after its RBAC was taken away). Before the start it
 *       answers 200: a slow start is the startup probe's business, not a reason to restart.
 * </ul>
 */
public final class Probes implements HttpHandler {
  /** What the probes ask of the operator; {@link #of(Operator)} asks JOSDK's runtime info. */
  public interface State {
    /** Informers started and synced; true for a standby replica as well. */
    boolean started();

    /** Every event source (informer) of every controller reports itself healthy. */
    boolean eventSourcesHealthy();
  }

  private final State state;

  public Probes(State state) {
    this.state = state;
  }

  /** The state of a JOSDK operator, read when a probe asks. */
  public static State of(Operator operator) {
    return new State() {
      @Override
      public boolean started() {
        return operator.getRuntimeInfo().isStarted();
      }

      @Override
      public boolean eventSourcesHealthy() {
        return operator.getRuntimeInfo().allEventSourcesAreHealthy();
      }
    };
  }

  /** Whether {@code /readyz} answers 200. */
  public boolean ready() {
    return state.started() && state.eventSourcesHealthy();
  }

  /** Whether {@code /healthz} answers 200. */
  public boolean live() {
    // Asked only once started: JOSDK warns about runtime info read before the start.
    return !state.started() || state.eventSourcesHealthy();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    switch (exchange.getRequestURI().getPath()) {
      case "/readyz" -> respond(exchange, ready());
      case "/healthz" -> respond(exchange, live());
      default -> send(exchange, 404, "not found: /metrics, /healthz or /readyz\n");
    }
  }

  private static void respond(HttpExchange exchange, boolean ok) throws IOException {
    send(exchange, ok ? 200 : 503, ok ? "ok\n" : "not ok\n");
  }

  private static void send(HttpExchange exchange, int code, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}

package io.tributary.runtime.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.tributary.pipeline.transform.InferTransform.Datatype;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Open Inference Protocol client with its retries and circuit breaker, against a real HTTP
 * server on loopback that answers as scripted (the real model server is in RemoteInferIT).
 */
class RemoteModelTest {
  /**
   * One scripted answer: a status and a body, or ({@code hang}) none until the test ends, so the
   * client's timeout is what ends the call.
   */
  private record Answer(int status, String body, boolean hang) {
    Answer(int status, String body) {
      this(status, body, false);
    }
  }

  private static final String OK =
      "{\"model_name\":\"fraud\",\"outputs\":[{\"name\":\"predict_proba\",\"shape\":[2,2],"
          + "\"datatype\":\"FP64\",\"data\":[0.9,0.1,0.2,0.8]}]}";

  /** Generous: a cold JVM's first request must not time out by accident. */
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private HttpServer server;
  private final Deque<Answer> script = new ConcurrentLinkedDeque<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Duration> slept = new ArrayList<>();
  private final java.util.concurrent.CountDownLatch ended =
      new java.util.concurrent.CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.add(
              exchange.getRequestURI()
                  + " "
                  + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          Answer a = script.isEmpty() ? new Answer(200, OK) : script.poll();
          if (a.hang()) {
            try {
              ended.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            exchange.close(); // the client gave up long ago
            return;
          }
          byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(a.status(), body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.setExecutor(Executors.newCachedThreadPool()); // a slow answer holds up no other
    server.start();
  }

  @AfterEach
  void stop() {
    ended.countDown();
    server.stop(0);
  }

  private RemoteModel model(int maxRetries, CircuitBreaker breaker) {
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    return new RemoteModel(
        new OipClient(url, "fraud", "v1", Datatype.FP32, TIMEOUT),
        maxRetries,
        Duration.ofMillis(100),
        breaker,
        slept::add);
  }

  private static CircuitBreaker breaker(int failures) {
    return new CircuitBreaker(failures, Duration.ofSeconds(30), Clock.systemUTC());
  }

  private static Map<String, double[][]> call(RemoteModel m) throws BatchModel.Failure {
    return m.run(
        Map.of("features", new double[][] {{1, 2, 3}, {4.5, 5, 6}}), 2, List.of("predict_proba"));
  }

  @Test
  void sendsTheBatchAsOneV2RequestAndReadsEachRecordsOutputs() throws Exception {
    Map<String, double[][]> out = call(model(3, breaker(5)));
    assertThat(out.get("predict_proba")).isDeepEqualTo(new double[][] {{0.9, 0.1}, {0.2, 0.8}});
    assertThat(requests)
        .containsExactly(
            "/v2/models/fraud/versions/v1/infer {\"inputs\":[{\"name\":\"features\",\"shape\":[2,3],"
                + "\"datatype\":\"FP32\",\"data\":[1.0,2.0,3.0,4.5,5.0,6.0]}],"
                + "\"outputs\":[{\"name\":\"predict_proba\"}]}");
  }

  @Test
  void retriesWhatTheServerFailedWithADoublingBackoff() throws Exception {
    script.add(new Answer(503, "{\"error\":\"model not ready\"}"));
    script.add(new Answer(429, "slow down"));
    script.add(new Answer(200, "", true)); // no answer: the client times out
    Map<String, double[][]> out = call(model(3, breaker(5)));
    assertThat(out.get("predict_proba")[1]).containsExactly(0.2, 0.8);
    assertThat(requests).hasSize(4);
    assertThat(slept)
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  void aRefusedRequestIsNotRetriedAndItsReasonIsTheServers() {
    script.add(new Answer(400, "{\"error\":\"X has 2 features, but the model expects 3\"}"));
    assertThatThrownBy(() -> call(model(3, breaker(5))))
        .isInstanceOf(BatchModel.Failure.class)
        .hasMessage("the model server answered 400: X has 2 features, but the model expects 3");
    assertThat(requests).hasSize(1);
  }

  @Test
  void anAnswerWithoutTheOutputIsARefusal() {
    script.add(new Answer(200, "{\"outputs\":[{\"name\":\"predict\",\"data\":[1,0]}]}"));
    assertThatThrownBy(() -> call(model(3, breaker(5))))
        .hasMessage("the model server's answer has no output 'predict_proba'; it has [predict]");
  }

  @Test
  void theCircuitOpensAfterFailedBatchesAndThenSendsNothing() {
    RemoteModel m = model(1, breaker(2));
    for (int i = 0; i < 4; i++) script.add(new Answer(500, "Internal Server Error"));
    assertThatThrownBy(() -> call(m))
        .hasMessage("the model server answered 500: Internal Server Error (after 2 attempts)");
    assertThatThrownBy(() -> call(m)).hasMessageContaining("(after 2 attempts)");
    assertThat(requests).hasSize(4);

    assertThatThrownBy(() -> call(m))
        .hasMessageStartingWith("model server http://127.0.0.1:")
        .hasMessageContaining("circuit open after 2 failed calls in a row, until ")
        .hasMessageEndingWith("last failure: the model server answered 500: Internal Server Error");
    assertThat(requests).hasSize(4); // nothing sent while open
  }
}

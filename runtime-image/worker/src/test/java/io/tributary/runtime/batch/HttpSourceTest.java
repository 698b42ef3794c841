package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.lake;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.source.HttpSource;
import io.tributary.pipeline.source.HttpSource.Pagination;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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

/** The http source against a local HTTP server that pages through 23 orders. */
class HttpSourceTest {
  static final int TOTAL = 23;
  @TempDir Path dir;
  HttpServer server;
  String base;
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<Long> requestNanos = new CopyOnWriteArrayList<>();
  final AtomicInteger throttleLeft = new AtomicInteger();
  final AtomicInteger failLeft = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/orders", this::handle);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/orders";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static Map<String, String> query(URI u) {
    Map<String, String> q = new HashMap<>();
    if (u.getQuery() != null) {
      for (String p : u.getQuery().split("&")) {
        String[] kv = p.split("=", 2);
        q.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    return q;
  }

  private static String items(int from, int to) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = from; i < Math.min(to, TOTAL); i++) {
      if (sb.length() > 1) sb.append(',');
      sb.append("{\"id\":").append(i).append('}');
    }
    return sb.append(']').toString();
  }

  private void handle(HttpExchange ex) throws IOException {
    requests.add(ex.getRequestURI().toString());
    requestNanos.add(System.nanoTime());
    String auth = ex.getRequestHeaders().getFirst("X-Api-Key");
    if (!"Bearer s3cret".equals(auth)) {
      reply(ex, 401, "{\"error\":\"unauthorized\"}");
      return;
    }
    if (throttleLeft.getAndDecrement() > 0) {
      ex.getResponseHeaders().add("Retry-After", "1");
      reply(ex, 429, "{}");
      return;
    }
    if (failLeft.getAndDecrement() > 0) {
      reply(ex, 503, "{}");
      return;
    }
    Map<String, String> q = query(ex.getRequestURI());
    String mode = q.getOrDefault("mode", "page");
    String body;
    switch (mode) {
      case "page" -> {
        int page = Integer.parseInt(q.get("page"));
        int size = Integer.parseInt(q.get("per_page"));
        body = "{\"data\":{\"items\":" + items((page - 1) * size, page * size) + "}}";
      }
      case "offset" -> {
        int offset = Integer.parseInt(q.get("offset"));
        int limit = Integer.parseInt(q.get("limit"));
        body = items(offset, offset + limit);
      }
      case "cursor" -> {
        int at = q.containsKey("cursor") ? Integer.parseInt(q.get("cursor").substring(1)) : 0;
        String next = at + 10 < TOTAL ? "\"c" + (at + 10) + "\"" : "null";
        body = "{\"items\":" + items(at, at + 10) + ",\"meta\":{\"next\":" + next + "}}";
      }
      case "bad" -> body = "[{\"id\":0},{\"id\":1,\"amount\":1e400},[2],{\"id\":3}]";
      case "dup" -> body = "[{\"id\":0},{\"id\":1,\"id\":2}]";
      default -> {
        int at = q.containsKey("at") ? Integer.parseInt(q.get("at")) : 0;
        if (at + 10 < TOTAL) {
          ex.getResponseHeaders()
              .add(
                  "Link",
                  "</orders?mode=link&at="
                      + (at + 10)
                      + ">; rel=\"next\", </orders?mode=link>; rel=\"first\"");
        }
        body = items(at, at + 10);
      }
    }
    reply(ex, 200, body);
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  private BatchPlans.Outcome run(
      String query, String itemsPath, Pagination pagination, String secretValue) throws Exception {
    Path secrets = dir.resolve("secrets");
    Files.createDirectories(secrets.resolve("api"));
    Files.writeString(secrets.resolve("api/token"), secretValue + "\n");
    BatchPlans p = new BatchPlans();
    p.secretsDir = secrets.toString();
    p.source =
        SourceSpec.of(
            new HttpSource(
                base + query,
                itemsPath,
                pagination,
                new SecretKeyRef("api", "token"),
                "X-Api-Key",
                1000.0,
                3));
    p.runId = "run-" + System.nanoTime();
    p.sink = lake(dir.resolve("lake/" + p.runId), FileFormat.JSONL);
    BatchPlans.Outcome o = p.run(dir);
    if (o.exitCode() == ExitCodes.OK) {
      assertThat(BatchPlans.lakeRecords(dir.resolve("lake/" + p.runId)))
          .extracting(r -> r.get("id").asInt())
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.IntStream.range(0, TOTAL).boxed().toList());
    }
    return o;
  }

  @Test
  void pageNumbers() throws Exception {
    BatchPlans.Outcome o =
        run(
            "?mode=page",
            "data.items",
            Pagination.of(Pagination.Type.PAGE).withPageSize(10),
            "Bearer s3cret");
    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(requests).hasSize(3);
  }

  @Test
  void offsets() throws Exception {
    BatchPlans.Outcome o =
        run(
            "?mode=offset",
            null,
            Pagination.of(Pagination.Type.OFFSET).withPageSize(5),
            "Bearer s3cret");
    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(requests).hasSize(5);
  }

  @Test
  void cursors() throws Exception {
    BatchPlans.Outcome o =
        run(
            "?mode=cursor",
            "items",
            Pagination.of(Pagination.Type.CURSOR).withCursorPath("meta.next"),
            "Bearer s3cret");
    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(requests).hasSize(3);
    assertThat(requests.get(1)).contains("cursor=c10");
  }

  @Test
  void linkHeaders() throws Exception {
    BatchPlans.Outcome o =
        run("?mode=link", null, Pagination.of(Pagination.Type.LINK), "Bearer s3cret");
    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(requests)
        .containsExactly("/orders?mode=link", "/orders?mode=link&at=10", "/orders?mode=link&at=20");
  }

  @Test
  void tooManyRequestsAreRetriedAfterRetryAfter() throws Exception {
    throttleLeft.set(2);
    failLeft.set(1);
    BatchPlans.Outcome o =
        run(
            "?mode=page",
            "data.items",
            Pagination.of(Pagination.Type.PAGE).withPageSize(10),
            "Bearer s3cret");

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(requests).hasSize(6); // 2 x 429, 1 x 503, then 3 pages
    // Retry-After: 1 is honoured: the retries after each 429 waited at least a second.
    assertThat(requestNanos.get(1) - requestNanos.get(0)).isGreaterThanOrEqualTo(1_000_000_000L);
    assertThat(requestNanos.get(2) - requestNanos.get(1)).isGreaterThanOrEqualTo(1_000_000_000L);
  }

  @Test
  void aServerThatStaysDownFailsTheRunAsRetryable() throws Exception {
    failLeft.set(100);
    BatchPlans.Outcome o =
        run(
            "?mode=page",
            "data.items",
            Pagination.of(Pagination.Type.PAGE).withPageSize(10),
            "Bearer s3cret");
    assertThat(o.exitCode()).isEqualTo(ExitCodes.RETRYABLE);
    assertThat(o.summary().failure()).isEqualTo(RunSummary.RETRYABLE);
    assertThat(requests).hasSize(4); // the first try and maxRetries 3
  }

  @Test
  void aRejectedCredentialFailsPermanently() throws Exception {
    BatchPlans.Outcome o = run("?mode=page", "data.items", null, "Bearer wrong");
    assertThat(o.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(o.summary().message()).contains("401").doesNotContain("wrong");
  }

  private BatchPlans.Outcome runOnePage(String mode) throws Exception {
    Path secrets = dir.resolve("secrets");
    Files.createDirectories(secrets.resolve("api"));
    Files.writeString(secrets.resolve("api/token"), "Bearer s3cret\n");
    BatchPlans p = new BatchPlans();
    p.secretsDir = secrets.toString();
    p.source =
        SourceSpec.of(
            new HttpSource(
                base + "?mode=" + mode,
                null,
                null,
                new SecretKeyRef("api", "token"),
                "X-Api-Key",
                1000.0,
                0));
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.5);
    p.sink = lake(dir.resolve("lake/" + mode), FileFormat.JSONL);
    return p.run(dir);
  }

  @Test
  void anItemWithANumberBeyondADoubleIsDeadLetteredAndTheOthersAreRead() throws Exception {
    BatchPlans.Outcome o = runOnePage("bad");

    assertThat(o.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(o.summary().recordsRead()).isEqualTo(4);
    assertThat(BatchPlans.lakeRecords(dir.resolve("lake/bad")))
        .extracting(r -> r.get("id").asInt())
        .containsExactlyInAnyOrder(0, 3);
    assertThat(BatchPlans.jsonLines(dir.resolve("dlq/run-1.jsonl")))
        .extracting(d -> d.get("reason").asText())
        .satisfiesExactly(
            r -> assertThat(r).contains("/orders: item 1:").contains("too large"),
            r -> assertThat(r).contains("/orders: item 2:").contains("not a JSON object"));
  }

  @Test
  void aPageWithAFieldTwiceFailsPermanentlyNamingTheUrlAndTheReason() throws Exception {
    BatchPlans.Outcome o = runOnePage("dup");

    assertThat(o.exitCode()).isEqualTo(ExitCodes.PERMANENT);
    assertThat(o.summary().message()).contains("/orders").contains("twice");
  }
}

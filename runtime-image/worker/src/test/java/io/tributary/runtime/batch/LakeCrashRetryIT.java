package io.tributary.runtime.batch;

import static io.tributary.runtime.batch.BatchPlans.files;
import static io.tributary.runtime.batch.BatchPlans.lake;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.runtime.testing.ChildDebugger;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process killed with SIGKILL in the middle of a lake write, then its retry (same run id,
 * as the Job's next pod): the output is complete and nothing is doubled, and while the dead
 * attempt's files lie around no reader sees a partial partition. The worker runs unmodified in a
 * child JVM; the test picks the moment from outside (a stalled source, a debugger breakpoint) and
 * kills it there.
 */
class LakeCrashRetryIT {
  static final int RECORDS = 30_000;
  static final int DAYS = 5;
  static final int PAGE = 1_000;
  @TempDir Path dir;
  Path dataset;
  BatchPlans plan;

  @BeforeEach
  void input() throws Exception {
    Path in = dir.resolve("events.jsonl");
    try (var w = Files.newBufferedWriter(in)) {
      for (int i = 0; i < RECORDS; i++) {
        w.write(
            "{\"id\":" + i + ",\"day\":\"2026-11-2" + (i % DAYS) + "\",\"v\":" + (i * 3) + "}\n");
      }
    }
    dataset = dir.resolve("lake/events");
    BatchPlans p = new BatchPlans();
    p.runId = "run-7";
    p.source = files(in, FileFormat.JSONL);
    p.sink = lake(dataset, FileFormat.PARQUET, "day");
    plan = p;
  }

  private static List<Path> parquetFiles(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).toList();
    }
  }

  private void assertCompleteAndNotDoubled() throws Exception {
    List<ObjectNode> rows = BatchPlans.lakeRecords(dataset);
    assertThat(rows).extracting(r -> r.get("id").asLong()).hasSize(RECORDS).doesNotHaveDuplicates();
    assertThat(dataset.resolve("_SUCCESS")).exists();
    assertThat(dataset.resolve("_staging/run-7")).doesNotExist();
  }

  /** Every visible partition holds exactly its share of the records: none is half there. */
  private void assertNoPartialPartition() throws Exception {
    Map<String, Long> perDay =
        BatchPlans.lakeRecords(dataset).stream()
            .collect(Collectors.groupingBy(r -> r.get("day").asText(), Collectors.counting()));
    assertThat(perDay.values()).allMatch(n -> n == RECORDS / DAYS);
  }

  /**
   * The source stalls after 20 of 30 pages (an API that stops answering): the worker has written
   * those records into staging files and waits for the next page when it is killed.
   */
  @Test
  void crashWhileWritingThenRetry() throws Exception {
    try (EventsApi api = new EventsApi(RECORDS / PAGE, 21)) {
      BatchPlans fromApi = new BatchPlans();
      fromApi.runId = plan.runId;
      fromApi.sink = plan.sink;
      fromApi.source =
          PlanJson.mapper()
              .readValue(
                  """
                  {"http": {"url": "%s", "requestsPerSecond": 0,
                            "pagination": {"type": "page", "pageSize": %d}}}
                  """
                      .formatted(api.url(), PAGE),
                  SourceSpec.class);
      Path staging = dataset.resolve("_staging/run-7");

      Process worker = RunPlanInChildJvm.start(fromApi, dir);
      try {
        await()
            .atMost(Duration.ofMinutes(2))
            .failFast("the worker ended before the source stalled", () -> !worker.isAlive())
            .until(() -> api.stalled() && !parquetFiles(dataset).isEmpty());
        worker.destroyForcibly(); // SIGKILL, while the worker waits for page 21
        assertThat(worker.waitFor(1, TimeUnit.MINUTES)).isTrue();
      } finally {
        worker.destroyForcibly();
        api.resume();
      }

      assertThat(worker.exitValue()).isEqualTo(137);
      assertThat(api.pagesServed()).isEqualTo(20);
      assertThat(BatchPlans.dataFiles(dataset)).isEmpty();
      assertThat(parquetFiles(staging)).isNotEmpty();
      assertThat(staging.resolve("_COMMIT")).doesNotExist();

      BatchPlans.Outcome retry = fromApi.run(dir);

      assertThat(retry.exitCode()).isEqualTo(ExitCodes.OK);
      assertThat(retry.summary().recordsWritten()).isEqualTo(RECORDS);
      assertCompleteAndNotDoubled();
    }
  }

  /**
   * Killed between two renames of the commit: the manifest is written and two of the five partition
   * files are published. The window lasts microseconds, so the worker runs under a debugger that
   * holds it just before its third move.
   */
  @Test
  void crashWhilePublishingThenRetryFinishesTheCommitWithoutReadingAgain() throws Exception {
    try (ChildDebugger debugger = ChildDebugger.listen(RunPlanInChildJvm.LOG)) {
      Process worker = RunPlanInChildJvm.start(plan, dir, debugger.agentOption());
      try {
        debugger.runUntilCall(
            "io.tributary.runtime.batch.sink.LocalLakeStorage",
            "publish",
            "java.nio.file.Files",
            "move",
            3);
        worker.destroyForcibly(); // SIGKILL, with two files moved and the third not
        assertThat(worker.waitFor(1, TimeUnit.MINUTES)).isTrue();
      } finally {
        worker.destroyForcibly();
      }
      assertThat(worker.exitValue()).isEqualTo(137);
    }

    assertThat(BatchPlans.dataFiles(dataset)).hasSize(2);
    assertNoPartialPartition();
    assertThat(dataset.resolve("_SUCCESS")).doesNotExist();

    Files.delete(dir.resolve("events.jsonl")); // the retry must not need the source again
    BatchPlans.Outcome retry = plan.run(dir);

    assertThat(retry.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(retry.summary().recordsWritten()).isEqualTo(RECORDS);
    assertCompleteAndNotDoubled();
    assertNoPartialPartition();

    BatchPlans.Outcome again = plan.run(dir);
    assertThat(again.exitCode()).isEqualTo(ExitCodes.OK);
    assertCompleteAndNotDoubled();
  }

  /**
   * The same events as {@link #input()}'s file, as a paginated JSON API ({@code ?page=N}) that
   * holds the request for one page unanswered until {@link #resume()}.
   */
  static final class EventsApi implements AutoCloseable {
    private final HttpServer server;
    private final int pages;
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final CountDownLatch resumed = new CountDownLatch(1);
    private final AtomicInteger served = new AtomicInteger();
    private volatile int stallAt;

    EventsApi(int pages, int stallAt) throws IOException {
      this.pages = pages;
      this.stallAt = stallAt;
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setExecutor(Executors.newCachedThreadPool());
      server.createContext("/events", this::page);
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
    }

    private void page(HttpExchange ex) throws IOException {
      Matcher m = Pattern.compile("(?:^|&)page=(\\d+)").matcher(ex.getRequestURI().getQuery());
      int page = m.find() ? Integer.parseInt(m.group(1)) : 1;
      if (page == stallAt) {
        stalled.countDown();
        try {
          resumed.await(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      StringBuilder body = new StringBuilder("[");
      if (page <= pages) {
        for (int i = (page - 1) * PAGE; i < page * PAGE; i++) {
          if (body.length() > 1) body.append(',');
          body.append("{\"id\":")
              .append(i)
              .append(",\"day\":\"2026-11-2")
              .append(i % DAYS)
              .append("\",\"v\":")
              .append(i * 3)
              .append('}');
        }
      }
      byte[] bytes = body.append(']').toString().getBytes(StandardCharsets.UTF_8);
      try (ex) {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        if (page <= pages) served.incrementAndGet();
      }
    }

    /** Whether the stalled page has been asked for. */
    boolean stalled() {
      return stalled.getCount() == 0;
    }

    /** Pages answered with records. */
    int pagesServed() {
      return served.get();
    }

    /** Stops stalling: the held request is answered and every later one too. */
    void resume() {
      stallAt = -1;
      resumed.countDown();
    }

    @Override
    public void close() {
      resume();
      server.stop(0);
    }
  }
}

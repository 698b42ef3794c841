package io.tributary.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SchemaSpec.Type;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.source.HttpSource;
import io.tributary.pipeline.transform.ValidateTransform;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch run's record counters, as a stream worker's: served on the plan's metrics port while the
 * run runs, with the same names; drops counted in the metrics and the run summary.
 */
class BatchMetricsTest {
  @TempDir Path dir;

  private static final String LABELS = "name=\"orders-daily\",namespace=\"team-a\"";

  private BatchPlans dropInvalid(SourceSpec source) {
    BatchPlans p = new BatchPlans();
    p.source = source;
    p.schema = new SchemaSpec(List.of(BatchPlans.field("id", Type.INTEGER).asRequired()), null);
    p.transforms =
        List.of(TransformSpec.of(new ValidateTransform(ValidateTransform.OnInvalid.DROP)));
    p.sink = BatchPlans.lake(dir.resolve("lake"), FileFormat.JSONL);
    // Over the ratio if the two drops counted as rejects (3 of 6), under it with the one reject.
    p.deadLetter = new DeadLetterSpec(null, dir.resolve("dlq").toString(), 0.2);
    return p;
  }

  @Test
  void dropsAreCountedInTheSummaryAndTheMetricsAndRejectsByStep() throws Exception {
    Path in =
        Files.writeString(
            dir.resolve("in.jsonl"),
            "{\"id\":1}\n{\"id\":\"two\"}\n{\"id\":3}\nnot json\n{}\n{\"id\":6}\n");
    BatchWorker worker =
        new BatchWorker(
            dropInvalid(BatchPlans.files(in, FileFormat.JSONL)).build(), dir.resolve("log"));

    assertThat(worker.run()).isEqualTo(ExitCodes.OK);

    RunSummary s = PlanJson.readSummary(Files.readString(dir.resolve("log")));
    assertThat(s.recordsRead()).isEqualTo(6);
    assertThat(s.recordsWritten()).isEqualTo(3);
    assertThat(s.recordsRejected()).isEqualTo(1);
    assertThat(s.recordsDropped()).isEqualTo(2);
    assertThat(s.steps()).contains(new RunSummary.StepCount("validate-0", 5, 3, 0, 2));
    assertThat(s.message())
        .contains("2 records dropped as invalid (validate onInvalid: drop), not dead-lettered");
    assertThat(scrape(worker))
        .contains("tributary_worker_records_in_total{" + LABELS + "} 6.0")
        .contains("tributary_worker_records_out_total{" + LABELS + "} 3.0")
        .contains("tributary_worker_records_rejected_total{" + LABELS + ",step=\"source\"} 1.0")
        .contains(
            "tributary_worker_records_dead_lettered_total{" + LABELS + ",step=\"source\"} 1.0")
        .contains("tributary_worker_records_dropped_total{" + LABELS + ",step=\"validate-0\"} 2.0");
  }

  @Test
  void theMetricsPortServesTheCountersWhileTheRunRuns() throws Exception {
    CountDownLatch scraped = new CountDownLatch(1);
    HttpServer api =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext(
        "/orders",
        ex -> {
          try {
            // The run waits here, mid-read, until the test has looked at its metrics.
            scraped.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = "[{\"id\":1},{\"id\":2}]".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    api.start();
    try {
      String url = "http://127.0.0.1:" + api.getAddress().getPort() + "/orders";
      BatchWorker worker =
          new BatchWorker(
              dropInvalid(SourceSpec.of(new HttpSource(url, null, null, null, null, null, null)))
                  .build(),
              dir.resolve("log"));
      CompletableFuture<Integer> run = CompletableFuture.supplyAsync(worker::run);

      await().atMost(Duration.ofSeconds(30)).until(() -> worker.opsPort() > 0);
      int port = worker.opsPort();
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = get(port, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("tributary_worker_records_in_total{" + LABELS + "} 0.0");
      scraped.countDown();

      assertThat(run.get(60, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);
      assertThat(worker.metrics().recordsIn.get()).isEqualTo(2.0);
      assertThat(worker.opsPort()).as("the server stops with the run").isEqualTo(-1);
    } finally {
      scraped.countDown();
      api.stop(0);
    }
  }

  private static String scrape(BatchWorker worker) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, worker.metrics().registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}

package io.tributary.runtime.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.JdbcSource;
import io.tributary.pipeline.transform.MaskTransform;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OpenLineage events over the HTTP transport to a local collector. */
class LineageHttpTest {
  static final ObjectMapper JSON = new ObjectMapper();
  HttpServer server;
  final List<JsonNode> events = new CopyOnWriteArrayList<>();
  WorkerPlan plan;

  /** A collector on {@code port} (0: any free port) that records every event it receives. */
  void collectorOn(int port) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext(
        "/api/v1/lineage",
        ex -> {
          events.add(JSON.readTree(ex.getRequestBody()));
          ex.sendResponseHeaders(201, -1);
          ex.close();
        });
    server.start();
  }

  @BeforeEach
  void collector() throws Exception {
    collectorOn(0);
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/lineage";
    SchemaSpec schema =
        new SchemaSpec(
            List.of(
                SchemaSpec.Field.of("id", SchemaSpec.Type.INTEGER).asRequired(),
                SchemaSpec.Field.of("email", SchemaSpec.Type.STRING).asPii().describedAs("contact"),
                SchemaSpec.Field.of("phone", SchemaSpec.Type.STRING).asPii()),
            null);
    TransformSpec mask =
        TransformSpec.of(
            new MaskTransform(
                new SecretKeyRef("k", "k"),
                List.of(
                    MaskTransform.Field.of("email", MaskTransform.Method.HMAC),
                    MaskTransform.Field.of("phone", MaskTransform.Method.DROP))));
    plan =
        WorkerPlan.builder(WorkerPlan.Kind.DATA_PIPELINE)
            .pipeline("team-a", "customers", "u")
            .run(new WorkerPlan.Run("run-9", 1, null))
            .source(
                SourceSpec.of(JdbcSource.table("jdbc:postgresql://crm-db:5432/crm", "customers")))
            .transforms(List.of(mask))
            .sink(SinkSpec.of(new LakeSink("/lake/curated/customers", FileFormat.PARQUET, null)))
            .schema(schema)
            .lineage(new WorkerPlan.LineageConfig("http", url, null, null, "prod"))
            .build();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void startAndCompleteCarryDatasetsSchemasAndMaskedColumnLineage() {
    try (LineageEmitter lineage = LineageEmitter.create(plan, "run-9")) {
      lineage.start();
      lineage.complete(RunSummary.succeeded("run-9", 10, 9, 1, 5, List.of()));
    }

    assertThat(events)
        .extracting(e -> e.get("eventType").asText())
        .containsExactly("START", "COMPLETE");
    JsonNode complete = events.get(1);
    assertThat(complete.at("/run/runId").asText())
        .isEqualTo(events.get(0).at("/run/runId").asText());
    assertThat(complete.at("/job/namespace").asText()).isEqualTo("prod");
    assertThat(complete.at("/job/facets/jobType/processingType").asText()).isEqualTo("BATCH");
    JsonNode input = complete.at("/inputs/0");
    assertThat(input.get("namespace").asText()).isEqualTo("postgres://crm-db:5432");
    assertThat(input.get("name").asText()).isEqualTo("crm.public.customers");
    assertThat(input.at("/facets/schema/fields/1/description").asText()).isEqualTo("contact [pii]");
    JsonNode output = complete.at("/outputs/0");
    assertThat(output.get("namespace").asText()).isEqualTo("file");
    assertThat(output.at("/facets/schema/fields").findValuesAsText("name"))
        .containsExactly("id", "email");
    JsonNode columns = output.at("/facets/columnLineage/fields");
    assertThat(columns.at("/email/inputFields/0/field").asText()).isEqualTo("email");
    assertThat(columns.at("/email/inputFields/0/transformations/0/masking").asBoolean()).isTrue();
    assertThat(columns.at("/id/inputFields/0/transformations/0/masking").asBoolean()).isFalse();
    assertThat(columns.has("phone")).isFalse();
    assertThat(tags(input))
        .containsExactly("email classification=personal", "phone classification=personal");
    assertThat(tags(output))
        .containsExactly(
            "email classification=personal",
            "email masking=hmac",
            "phone classification=personal",
            "phone masking=drop");
    assertThat(output.at("/outputFacets/outputStatistics/rowCount").asLong()).isEqualTo(9);
  }

  @Test
  void streamWorkersSendRunningPeriodicallyAndFailWithTheMessage() throws Exception {
    try (LineageEmitter lineage = LineageEmitter.create(plan, null)) {
      lineage.start();
      try (AutoCloseable heartbeat = lineage.runningEvery(Duration.ofMillis(50), () -> 42L)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 3);
      }
      lineage.fail("broker unreachable");
    }
    List<String> types = events.stream().map(e -> e.get("eventType").asText()).toList();
    assertThat(types.get(0)).isEqualTo("START");
    assertThat(types.subList(1, types.size() - 1)).isNotEmpty().allMatch("RUNNING"::equals);
    assertThat(types.get(types.size() - 1)).isEqualTo("FAIL");
    assertThat(events.get(1).at("/outputs/0/outputFacets/outputStatistics/rowCount").asLong())
        .isEqualTo(42);
    assertThat(events.get(events.size() - 1).at("/run/facets/errorMessage/message").asText())
        .isEqualTo("broker unreachable");
  }

  @Test
  void anUnreachableCollectorNeverFailsTheCallerAndLaterEventsStillArrive() throws Exception {
    int port = server.getAddress().getPort();
    server.stop(0);
    try (LineageEmitter lineage = LineageEmitter.create(plan, "run-9")) {
      lineage.start(); // nobody listens: dropped, and the run goes on

      // The collector comes back on the same address: the next event reaches it.
      collectorOn(port);
      lineage.fail("sink unreachable");
    }

    assertThat(events).extracting(e -> e.get("eventType").asText()).containsExactly("FAIL");
    JsonNode fail = events.get(0);
    assertThat(fail.at("/run/runId").asText())
        .isEqualTo(UUID.nameUUIDFromBytes("run-9".getBytes(StandardCharsets.UTF_8)).toString());
    assertThat(fail.at("/run/facets/errorMessage/message").asText()).isEqualTo("sink unreachable");
    assertThat(fail.at("/job/namespace").asText()).isEqualTo("prod");
    assertThat(fail.at("/inputs/0/name").asText()).isEqualTo("crm.public.customers");
  }

  /** The dataset's tags facet as "field key=value" lines, all from source tributary. */
  private static List<String> tags(JsonNode dataset) {
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode t : dataset.at("/facets/tags/tags")) {
      assertThat(t.get("source").asText()).isEqualTo("tributary");
      out.add(
          t.get("field").asText() + " " + t.get("key").asText() + "=" + t.get("value").asText());
    }
    return out;
  }
}

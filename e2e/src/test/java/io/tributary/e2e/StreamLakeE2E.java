package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A StreamJob appending a topic to an Iceberg table on the local cluster's S3 store, its catalog in
 * the cluster's PostgreSQL: the records arrive once each, a worker pod killed mid-stream (deleted
 * with no grace period) is replaced and the table still holds each record once, and the snapshot
 * summaries carry the consumed offsets. PyIceberg on the host reads the table back.
 */
class StreamLakeE2E {
  private static final String NS = "e2e-lake-" + Topics.RUN;
  private static final String TABLE = "e2e_" + Topics.RUN + ".clicks";
  private static final String WAREHOUSE = "s3://lake/e2e-" + Topics.RUN + "/warehouse";
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void setUp() throws Exception {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS);
    Kubectl.apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: iceberg-catalog, namespace: %1$s, labels: {tributary.io/pipeline-secret: "true"}}
        stringData: {username: iceberg, password: demo-only-password}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: lake-s3, namespace: %1$s, labels: {tributary.io/pipeline-secret: "true"}}
        stringData: {access-key-id: tributary-demo, secret-access-key: demo-only-s3-secret}
        """
            .formatted(NS));
    Topics.create(Topics.name("e2e.clicks"), 3);
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  @Test
  void appendsEveryRecordOnceAcrossAKilledWorker() throws Exception {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: clicks-to-lake, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.clicks.%3$s]}
          transforms:
            - filter: {expression: "id %% 10 != 0"}
          schema:
            fields:
              - {name: id, type: integer, required: true}
              - {name: day, type: string}
          sink:
            lake:
              path: %4$s
              format: iceberg
              partitionBy: [day]
              iceberg:
                table: %5$s
                catalog:
                  url: jdbc:postgresql://postgres.tributary-system.svc:5432/iceberg
                  userSecretRef: {name: iceberg-catalog, key: username}
                  passwordSecretRef: {name: iceberg-catalog, key: password}
              s3:
                endpoint: http://s3.tributary-system.svc:8333
                pathStyle: true
                accessKeyIdSecretRef: {name: lake-s3, key: access-key-id}
                secretAccessKeySecretRef: {name: lake-s3, key: secret-access-key}
          checkpointInterval: 2s
          replicas: 1
          compute: {resources: {cpu: 200m, memory: 512Mi}}
        """
            .formatted(NS, Cluster.kafkaBootstrap(), Topics.RUN, WAREHOUSE, TABLE));

    Topics.produce(Topics.name("e2e.clicks"), records(0, 100));
    awaitRows(90);

    String pod = Kubectl.pods(NS, "tributary.io/pipeline=clicks-to-lake", "name").trim();
    assertThat(pod).isNotEmpty();
    Topics.produce(Topics.name("e2e.clicks"), records(100, 200));
    Kubectl.run("delete", "-n", NS, pod.split("\\s+")[0], "--grace-period=0", "--force").ok();
    Topics.produce(Topics.name("e2e.clicks"), records(200, 300));

    JsonNode table = awaitRows(270);
    List<Long> ids = new ArrayList<>();
    table.get("rows").forEach(r -> ids.add(r.get("id").asLong()));
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(new HashSet<>(ids))
        .isEqualTo(
            Set.copyOf(
                IntStream.range(0, 300).filter(i -> i % 10 != 0).mapToObj(i -> (long) i).toList()));
    boolean offsets = false;
    for (JsonNode s : table.get("snapshots")) {
      offsets |= s.get("summary").has("tributary.kafka.offsets");
    }
    assertThat(offsets).as("snapshot summaries carry the Kafka offsets").isTrue();
  }

  private static List<String> records(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(i -> "{\"id\":%d,\"day\":\"2026-12-0%d\"}".formatted(i, 1 + i % 3))
        .toList();
  }

  /** The table once it holds {@code rows} rows (more would be a duplicate, checked after). */
  private static JsonNode awaitRows(int rows) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(5))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              last[0] = read();
              assertThat(last[0].get("rows").size()).isGreaterThanOrEqualTo(rows);
            });
    return last[0];
  }

  private static JsonNode read() throws Exception {
    return JSON.readTree(Host.icebergTable(WAREHOUSE, TABLE));
  }
}

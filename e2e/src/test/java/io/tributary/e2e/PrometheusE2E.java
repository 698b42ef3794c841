package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local cluster's real Prometheus scrapes the operator and the workers through the pods'
 * prometheus.io annotations, and answers what an operator asks: how fast is this StreamJob moving
 * records, and how did this DataPipeline's run end.
 */
class PrometheusE2E {
  private static final String NS = "e2e-prom-" + Topics.RUN;
  private static final int RECORDS = 3_000;

  @BeforeAll
  static void setUp() throws Exception {
    Cluster.requireCluster();
    Prometheus.url();
    Kubectl.run("create", "namespace", NS);
    Topics.create(Topics.name("e2e.meter"), 2);
    Topics.create(Topics.name("e2e.meter.out"), 2);
    Topics.create(Topics.name("e2e.ledger"), 1);
    Topics.create(Topics.name("e2e.ledger.out"), 1);
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  @Test
  void theOperatorIsScraped() {
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(
                        Prometheus.scalar(
                                "count(tributary_operator_reconciles_total{namespace=\"tributary-system\"})")
                            .orElse(0))
                    .isPositive());
  }

  @Test
  void aStreamJobsThroughputIsQueryable() {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: meter, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.meter.%3$s]}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.meter.out.%3$s}
          guarantee: at-least-once
          replicas: 1
          compute: {resources: {cpu: 100m, memory: 384Mi}}
        """
            .formatted(NS, Cluster.kafkaBootstrap(), Topics.RUN));
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () ->
                "1"
                    .equals(
                        Kubectl.jsonpath(
                            "deployment", NS, "meter-worker", ".status.readyReplicas")));
    Topics.produce(
        Topics.name("e2e.meter"),
        IntStream.range(0, RECORDS).mapToObj(i -> "{\"n\":%d}".formatted(i)).toList());

    String out = "sum(tributary_worker_records_out_total{namespace=\"%s\"})".formatted(NS);
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(Prometheus.scalar(out)).hasValue(RECORDS));
    // Throughput as a dashboard asks for it: a rate over the scrapes that saw the records move.
    assertThat(
            Prometheus.scalar(
                    "sum(rate(tributary_worker_records_in_total{namespace=\"%s\"}[2m]))"
                        .formatted(NS))
                .orElseThrow())
        .isPositive();
  }

  @Test
  void aDataPipelineRunsOutcomeIsQueryable() {
    Topics.produce(
        Topics.name("e2e.ledger"),
        IntStream.range(0, 20).mapToObj(i -> "{\"entry\":%d}".formatted(i)).toList());
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: DataPipeline
        metadata: {name: ledger, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.ledger.%3$s]}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.ledger.out.%3$s}
          compute: {resources: {cpu: 100m, memory: 384Mi}}
        """
            .formatted(NS, Cluster.kafkaBootstrap(), Topics.RUN));
    await()
        .atMost(Duration.ofMinutes(5))
        .until(
            () ->
                "Succeeded"
                    .equals(
                        Kubectl.jsonpath("datapipeline", NS, "ledger", ".status.lastRun.phase")));
    // The operator counts a run once its end is in status; the leader's series is the one that
    // moves (a standby replica exports none for it).
    String succeeded =
        "sum(tributary_pipeline_runs_total{namespace=\"%s\",name=\"ledger\",outcome=\"Succeeded\"})"
            .formatted(NS);
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(Prometheus.scalar(succeeded)).hasValue(1));
    assertThat(
            Prometheus.scalar(
                    "sum(tributary_pipeline_runs_total{namespace=\"%s\",name=\"ledger\",outcome=\"Failed\"})"
                        .formatted(NS))
                .orElse(0))
        .isZero();
  }
}

package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Worker autoscaling from lag, end to end on the real node: a backlog on the input topic that one
 * worker would take far longer than targetDrainTime to drain makes the operator add workers (up to
 * the partitions), the workers drain it, and after scaleDownStabilization the operator steps back
 * down to minReplicas — one way up, one way down, no flapping — and every record arrives.
 */
class WorkerAutoscalingE2E {
  private static final String NS = "e2e-autoscale-" + Topics.RUN;
  private static final String IN = Topics.name("e2e.burst");
  private static final String OUT = Topics.name("e2e.burst.out");
  private static final int RECORDS = 200_000;

  @BeforeAll
  static void setUp() throws Exception {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS);
    Topics.create(IN, 3);
    Topics.create(OUT, 3);
    produce(RECORDS);
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  @Test
  void lagAddsWorkersAndTheyGoAgainAfterTheWindowWithoutLosingARecord() throws Exception {
    List<Integer> replicas = new ArrayList<>();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleWithFixedDelay(
        () -> {
          String r = Kubectl.jsonpath("deployment", NS, "burst-worker", ".spec.replicas");
          if (!r.isEmpty()) {
            synchronized (replicas) {
              replicas.add(Integer.parseInt(r));
            }
          }
        },
        0,
        1,
        TimeUnit.SECONDS);
    try {
      Kubectl.apply(
          """
          apiVersion: tributary.io/v1alpha1
          kind: StreamJob
          metadata: {name: burst, namespace: %1$s}
          spec:
            source:
              kafka: {bootstrapServers: "%2$s", topics: [%3$s]}
            sink:
              kafka: {bootstrapServers: "%2$s", topic: %4$s}
            guarantee: exactly-once
            checkpointInterval: 1s
            autoscaling:
              minReplicas: 1
              maxReplicas: 3
              targetDrainTime: 5s
              targetLagPerReplica: 1000
              scaleDownStabilization: 30s
              scaleDownPercent: 50
            compute: {resources: {cpu: 100m, memory: 384Mi}}
          """
              .formatted(NS, Cluster.kafkaBootstrap(), IN, OUT));

      // Up: the backlog is far beyond what one worker drains in 5s.
      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(
              () ->
                  assertThat(Kubectl.jsonpath("deployment", NS, "burst-worker", ".spec.replicas"))
                      .isEqualTo("3"));
      // The Deployment is written before the status that records the decision.
      await()
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(
              () ->
                  assertThat(
                          Kubectl.jsonpath(
                              "streamjob", NS, "burst", ".status.autoscaler.lastScaleUp"))
                      .isNotBlank());

      // Down: once drained, fewer workers do; after the window, in steps, to minReplicas.
      await()
          .atMost(Duration.ofMinutes(5))
          .untilAsserted(
              () -> {
                assertThat(Kubectl.jsonpath("streamjob", NS, "burst", ".status.lag"))
                    .isEqualTo("0");
                assertThat(Kubectl.jsonpath("deployment", NS, "burst-worker", ".spec.replicas"))
                    .isEqualTo("1");
              });
      assertThat(Kubectl.jsonpath("streamjob", NS, "burst", ".status.autoscaler.lastScaleDown"))
          .isNotBlank();
      assertThat(Kubectl.jsonpath("streamjob", NS, "burst", ".status.replicas")).isEqualTo("1");
    } finally {
      sampler.shutdownNow();
      sampler.awaitTermination(10, TimeUnit.SECONDS);
    }
    List<Integer> series;
    synchronized (replicas) {
      // The await above saw the last change; the sampler, a second behind, may not have yet.
      replicas.add(
          Integer.parseInt(Kubectl.jsonpath("deployment", NS, "burst-worker", ".spec.replicas")));
      series = List.copyOf(replicas);
    }
    System.out.println("burst-worker replicas, one reading a second: " + series);
    assertThat(directionChanges(series))
        .as("one way up, then one way down: %s", series)
        .isLessThanOrEqualTo(1);
    assertThat(series).contains(3).endsWith(1);

    // Exactly once, across the scale-up and the scale-down's rebalances.
    List<String> out = Topics.readCommitted(OUT, RECORDS, Duration.ofMinutes(3));
    Set<String> distinct = new HashSet<>(out);
    assertThat(distinct).hasSize(RECORDS);
    assertThat(out).hasSize(RECORDS);
  }

  /** How often the series turns from rising to falling or back. */
  static int directionChanges(List<Integer> series) {
    int changes = 0, last = 0;
    for (int i = 1; i < series.size(); i++) {
      int d = Integer.signum(series.get(i) - series.get(i - 1));
      if (d == 0) continue;
      if (last != 0 && d != last) changes++;
      last = d;
    }
    return changes;
  }

  private static void produce(int n) {
    Properties p = Cluster.kafka();
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    try (var producer = new KafkaProducer<String, String>(p)) {
      for (int i = 0; i < n; i++) {
        producer.send(
            new ProducerRecord<>(
                IN,
                "{\"id\":%d,\"reading\":%d.5,\"sensor\":\"s-%d\"}".formatted(i, i % 997, i % 31)));
      }
      producer.flush();
    }
  }
}

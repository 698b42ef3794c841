package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What `kubectl get` and `kubectl describe` say about DataPipeline runs on a real cluster: a run
 * the scheduler cannot place is Pending with the scheduler's words, not Running; NEXT RUN reads as
 * a time; a run's story is told in Events.
 */
class DataPipelineStatusE2E {
  private static final String NS = "e2e-dp-status-" + Topics.RUN;

  @BeforeAll
  static void setUp() {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS).ok();
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  @Test
  void aRunNoNodeCanHoldIsPendingWithTheSchedulersMessage() {
    // 256 CPUs: more than the real node (2) or any node of e2e/topology.conf (96 at most) has.
    Kubectl.apply(pipeline("too-big", "compute: {resources: {cpu: \"256\", memory: 384Mi}}"));
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(condition("too-big", "Progressing", "reason"))
                    .isEqualTo("Unschedulable"));
    String message = condition("too-big", "Progressing", "message");
    assertThat(message)
        .contains("is waiting for a node; the scheduler says:")
        .contains("nodes are available")
        .contains("Insufficient cpu");
    assertThat(Kubectl.jsonpath("datapipeline", NS, "too-big", ".status.phase"))
        .isEqualTo("Pending");
    assertThat(Kubectl.jsonpath("datapipeline", NS, "too-big", ".status.lastRun.phase"))
        .isEqualTo("Pending");
    assertThat(Kubectl.jsonpath("datapipeline", NS, "too-big", ".status.lastRun.message"))
        .contains("Insufficient cpu");
    assertThat(condition("too-big", "Ready", "reason")).isEqualTo("Unschedulable");
    assertThat(row(Kubectl.run("get", "dp", "too-big", "-n", NS).ok().out()))
        .contains("Pending")
        .doesNotContain("Running");
    String describe = Kubectl.run("describe", "dp", "too-big", "-n", NS).ok().out();
    assertThat(describe).contains("Unschedulable").doesNotContain("is running");
  }

  @Test
  void nextRunReadsAsATimeAndARunsStoryIsInEvents() {
    // Yearly, so the next run is far ahead; the run-now annotation starts one at once. Its
    // source matches no file, so the worker ends it at once as a permanent failure.
    Kubectl.apply(
        pipeline(
                "yearly",
                "schedule: {cron: '0 0 1 1 *'}\n"
                    + "  compute: {resources: {cpu: 200m, memory: 384Mi}}")
            .replace(
                "metadata: {name: yearly, namespace: " + NS + "}",
                "metadata: {name: yearly, namespace: "
                    + NS
                    + ", annotations: {tributary.io/run-now: first}}"));
    await()
        .atMost(Duration.ofMinutes(5))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("datapipeline", NS, "yearly", ".status.lastRun.phase"))
                    .isIn("Failed", "Succeeded"));
    String next = Kubectl.jsonpath("datapipeline", NS, "yearly", ".status.nextRunTime");
    assertThat(Instant.parse(next)).isAfter(Instant.now());

    String wide = Kubectl.run("get", "dp", "yearly", "-n", NS, "-o", "wide").ok().out();
    assertThat(wide.lines().findFirst().orElseThrow()).contains("NEXT RUN").contains("LAST RUN");
    assertThat(row(wide))
        .as("kubectl get dp -o wide:\n%s", wide)
        .contains(next)
        .doesNotContain("<invalid>")
        // LAST RUN: how long ago the run ended, e.g. 12s.
        .containsPattern("\\s[0-9]+[sm]");

    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(events("yearly"))
                    .contains("Normal RunStarted")
                    .anyMatch(
                        e -> e.equals("Warning RunFailed") || e.equals("Normal RunSucceeded")));
  }

  private static String pipeline(String name, String extraSpec) {
    return """
        apiVersion: tributary.io/v1alpha1
        kind: DataPipeline
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          source: {files: {path: /tmp/e2e-%1$s/*.jsonl, format: jsonl}}
          sink: {lake: {path: /tmp/e2e-%1$s-out, format: jsonl}}
          %3$s
        """
        .formatted(name, NS, extraSpec);
  }

  private static String condition(String name, String type, String field) {
    return Kubectl.jsonpath(
        "datapipeline", NS, name, ".status.conditions[?(@.type==\"" + type + "\")]." + field);
  }

  /** The one data row of a `kubectl get` of one object. */
  private static String row(String table) {
    List<String> lines = table.lines().toList();
    assertThat(lines).as(table).hasSize(2);
    return lines.get(1);
  }

  /** "type reason" of each Event about the pipeline. */
  private static List<String> events(String name) {
    return Kubectl.run(
            "get",
            "events",
            "-n",
            NS,
            "--field-selector",
            "involvedObject.kind=DataPipeline,involvedObject.name=" + name,
            "-o",
            "jsonpath={range .items[*]}{.type} {.reason}{\"\\n\"}{end}")
        .ok()
        .out()
        .lines()
        .toList();
  }
}

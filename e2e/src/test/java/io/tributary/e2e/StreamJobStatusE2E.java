package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A StreamJob's status tells the truth on a real cluster: the scheduler's words when workers cannot
 * be placed, the worker's own words when it refuses its plan, Ready when scaled to zero on purpose,
 * and the operator puts back a hand edit to the workers it owns.
 */
class StreamJobStatusE2E {
  private static final String NS = "e2e-sjstatus-" + Topics.RUN;

  @BeforeAll
  static void setUp() throws Exception {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS);
    // The key the plan names is not in the Secret: the volume mounts, the worker refuses.
    Kubectl.apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: partial-key, namespace: %s, labels: {tributary.io/pipeline-secret: "true"}}
        stringData: {other: not-the-key}
        """
            .formatted(NS));
    Topics.create(Topics.name("e2e.status"), 1);
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  private static void applyJob(String name, String extraSpec) {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          source:
            kafka: {bootstrapServers: "%3$s", topics: [e2e.status.%4$s]}
          sink:
            kafka: {bootstrapServers: "%3$s", topic: e2e.status.out.%4$s}
          guarantee: at-least-once
        %5$s
        """
            .formatted(name, NS, Cluster.kafkaBootstrap(), Topics.RUN, extraSpec.indent(2)));
  }

  private static String ready(String job, String field) {
    return Kubectl.jsonpath(
        "streamjob", NS, job, ".status.conditions[?(@.type==\"Ready\")]." + field);
  }

  private static String degraded(String job, String field) {
    return Kubectl.jsonpath(
        "streamjob", NS, job, ".status.conditions[?(@.type==\"Degraded\")]." + field);
  }

  private static String events(String job) {
    return Kubectl.run(
            "get",
            "events",
            "-n",
            NS,
            "--field-selector",
            "involvedObject.kind=StreamJob,involvedObject.name=" + job,
            "-o",
            "custom-columns=REASON:.reason,MESSAGE:.message")
        .ok()
        .out();
  }

  @Test
  void workersThatCannotBeScheduledShowTheSchedulersMessage() {
    applyJob(
        "too-big",
        """
        replicas: 1
        compute: {resources: {cpu: "64", memory: 256Mi}}
        """);
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              assertThat(ready("too-big", "reason")).isEqualTo("WorkersUnschedulable");
              assertThat(ready("too-big", "message")).contains("Insufficient cpu");
            });
    assertThat(ready("too-big", "status")).isEqualTo("False");
    assertThat(events("too-big")).contains("RolloutStarted");
  }

  @Test
  void aWorkerThatRefusesItsPlanShowsItsOwnMessageAndCrashLoopsDegraded() {
    applyJob(
        "refused",
        """
        transforms:
          - mask:
              keySecretRef: {name: partial-key, key: hmac}
              fields:
                - {field: email, method: hmac}
        replicas: 1
        compute: {resources: {cpu: 100m, memory: 256Mi}}
        """);
    await()
        .atMost(Duration.ofMinutes(4))
        .untilAsserted(
            () -> {
              assertThat(ready("refused", "reason")).isEqualTo("InvalidPlan");
              assertThat(ready("refused", "message"))
                  .contains("exited 78")
                  .contains("partial-key/hmac");
            });
    await()
        .atMost(Duration.ofMinutes(4))
        .untilAsserted(
            () -> {
              assertThat(degraded("refused", "status")).isEqualTo("True");
              assertThat(degraded("refused", "reason")).isEqualTo("WorkersCrashLooping");
            });
    assertThat(Kubectl.run("describe", "streamjob", "refused", "-n", NS).ok().out())
        .contains("InvalidPlan")
        .contains("partial-key/hmac");
  }

  @Test
  void scaledToZeroOnPurposeIsReadyAndQuiet() {
    applyJob("idle", "replicas: 0\n");
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              assertThat(ready("idle", "status")).isEqualTo("True");
              assertThat(ready("idle", "reason")).isEqualTo("ScaledToZero");
              // The lag arrives from the background poller just after the first status: its
              // first reading (nothing produced, so 0) is part of reaching the steady state.
              assertThat(Kubectl.jsonpath("streamjob", NS, "idle", ".status.lag")).isEqualTo("0");
            });
    assertThat(Kubectl.run("get", "sj", "idle", "-n", NS).ok().out()).contains("0/0");
    // A steady state writes nothing: across more than two lag polls (30 s each), neither the
    // job (status included) nor its Deployment changes.
    String job = Kubectl.jsonpath("streamjob", NS, "idle", ".metadata.resourceVersion");
    String deployment =
        Kubectl.jsonpath("deployment", NS, "idle-worker", ".metadata.resourceVersion");
    await()
        .during(Duration.ofSeconds(70))
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(Kubectl.jsonpath("streamjob", NS, "idle", ".metadata.resourceVersion"))
                  .isEqualTo(job);
              assertThat(
                      Kubectl.jsonpath(
                          "deployment", NS, "idle-worker", ".metadata.resourceVersion"))
                  .isEqualTo(deployment);
            });
  }

  @Test
  void handEditsToTheWorkerDeploymentAreReverted() {
    applyJob(
        "owned",
        """
        replicas: 2
        compute: {resources: {cpu: "64", memory: 256Mi}}
        """);
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> "2".equals(Kubectl.jsonpath("deployment", NS, "owned-worker", ".spec.replicas")));
    Kubectl.run("scale", "deployment", "owned-worker", "-n", NS, "--replicas=1").ok();
    // Within one resync (the lag poll, 30 s); the Deployment's own watch event usually wins.
    await()
        .atMost(Duration.ofSeconds(45))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("deployment", NS, "owned-worker", ".spec.replicas"))
                    .isEqualTo("2"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(events("owned")).contains("from 1 to 2 workers"));

    String securityContext = ".spec.template.spec.containers[0].securityContext";
    assertThat(Kubectl.jsonpath("deployment", NS, "owned-worker", securityContext)).isNotEmpty();
    Kubectl.run(
            "patch",
            "deployment",
            "owned-worker",
            "-n",
            NS,
            "--type=json",
            "-p",
            "[{\"op\":\"remove\",\"path\":\"/spec/template/spec/containers/0/securityContext\"}]")
        .ok();
    await()
        .atMost(Duration.ofSeconds(45))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("deployment", NS, "owned-worker", securityContext))
                    .contains("readOnlyRootFilesystem"));
  }

  @Test
  void aWorkerHaltedOnARecordShowsWhereAndWhyStaysStoppedAndSkippingTheRecordResumes()
      throws Exception {
    String in = Topics.name("e2e.halt");
    String out = Topics.name("e2e.halt.out");
    Topics.create(in, 1);
    Topics.produce(
        in,
        java.util.List.of(
            "{\"id\":1,\"amount\":10}",
            "{\"id\":2,\"amount\":\"twenty\"}",
            "{\"id\":3,\"amount\":30}"));
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: strict, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [%3$s], startingOffsets: earliest}
          schema:
            fields:
              - {name: id, type: integer, required: true}
              - {name: amount, type: number, required: true}
          transforms:
            - validate: {onInvalid: fail}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: %4$s}
          replicas: 1
          compute: {resources: {cpu: 100m, memory: 256Mi}}
        """
            .formatted(NS, Cluster.kafkaBootstrap(), in, out));
    String position = in + "/0@1";
    await()
        .atMost(Duration.ofMinutes(4))
        .untilAsserted(
            () -> {
              assertThat(ready("strict", "reason")).isEqualTo("Halted");
              assertThat(ready("strict", "message"))
                  .contains("halted at " + position)
                  .contains("amount")
                  .contains("tributary.io/skip-record=" + position);
            });
    assertThat(ready("strict", "status")).isEqualTo("False");
    assertThat(Kubectl.jsonpath("streamjob", NS, "strict", ".status.halted.position"))
        .isEqualTo(position);
    // Stopped on purpose, not restarting forever: no workers, and the record before is out.
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("deployment", NS, "strict-worker", ".spec.replicas"))
                    .isEqualTo("0"));
    assertThat(Topics.readCommitted(out, 1, Duration.ofSeconds(30))).hasSize(1);
    assertThat(events("strict")).contains("Halted");

    Kubectl.run("annotate", "streamjob", "strict", "-n", NS, "tributary.io/skip-record=" + position)
        .ok();
    await()
        .atMost(Duration.ofMinutes(4))
        .untilAsserted(
            () -> {
              assertThat(ready("strict", "status")).isEqualTo("True");
              assertThat(Kubectl.jsonpath("streamjob", NS, "strict", ".status.halted")).isEmpty();
            });
    java.util.List<String> delivered = Topics.readCommitted(out, 2, Duration.ofMinutes(2));
    assertThat(delivered).hasSize(2);
    assertThat(delivered.get(1)).contains("\"id\":3");
    assertThat(Topics.readCommitted(in + ".dlq", 1, Duration.ofMinutes(1)).get(0))
        .contains("twenty");
  }
}

package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No secret value ever appears outside its Secret: values are planted in Secrets that a StreamJob
 * (masking key, used on every record) and a DataPipeline (database password, refused by the server,
 * so the failure path is searched too) really use; then every object of every kind in their
 * namespace and the operator's, every Event, and the logs of the operator and of the workers are
 * searched for the values, plain and base64-encoded. Only the Secrets themselves may hold them, and
 * the search is shown to find a value where one is (the Secrets).
 */
class PlantedSecretE2E {
  private static final String NS = "e2e-planted-" + Topics.RUN;
  private static final String OPERATOR_NS = "tributary-system";
  private static final String IN = Topics.name("e2e.planted");
  private static final String OUT = Topics.name("e2e.planted.out");
  private static final String KEY = "planted-key-" + UUID.randomUUID();
  private static final String PASSWORD = "planted-password-" + UUID.randomUUID();

  @BeforeAll
  static void setUp() throws Exception {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS);
    for (Map.Entry<String, List<String>> s :
        Map.of(
                "planted-mask",
                List.of("--from-literal=hmac=" + KEY),
                "planted-db",
                List.of(
                    "--from-literal=username=crm_reader", "--from-literal=password=" + PASSWORD))
            .entrySet()) {
      List<String> create = new ArrayList<>(List.of("create", "secret", "generic", s.getKey()));
      create.addAll(List.of("-n", NS));
      create.addAll(s.getValue());
      Kubectl.run(create.toArray(String[]::new)).ok();
      Kubectl.run("label", "secret", s.getKey(), "-n", NS, "tributary.io/pipeline-secret=true")
          .ok();
    }
    Topics.create(IN, 1);
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  @Test
  void noPlantedValueAppearsInAnyObjectEventOrLog() {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: planted, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [%3$s]}
          transforms:
            - mask:
                keySecretRef: {name: planted-mask, key: hmac}
                fields: [{field: email, method: hmac}]
          sink:
            kafka: {bootstrapServers: "%2$s", topic: %4$s}
          guarantee: at-least-once
          compute: {resources: {cpu: 100m, memory: 320Mi}}
        ---
        apiVersion: tributary.io/v1alpha1
        kind: DataPipeline
        metadata: {name: planted-db, namespace: %1$s}
        spec:
          source:
            jdbc:
              url: jdbc:postgresql://postgres.tributary-system.svc:5432/crm
              table: public.customers
              userSecretRef: {name: planted-db, key: username}
              passwordSecretRef: {name: planted-db, key: password}
          sink:
            kafka: {bootstrapServers: "%2$s", topic: %4$s}
          retries: {limit: 0}
          compute: {resources: {cpu: 100m, memory: 320Mi}}
        """
            .formatted(NS, Cluster.kafkaBootstrap(), IN, OUT));
    Topics.produce(
        IN,
        IntStream.range(0, 20)
            .mapToObj(i -> "{\"id\":%d,\"email\":\"user%d@example.com\"}".formatted(i, i))
            .toList());
    // The key was used: masked records came out.
    List<String> out = Topics.readCommitted(OUT, 20, Duration.ofMinutes(3));
    assertThat(out).hasSize(20).noneMatch(r -> r.contains("@example.com"));

    // The password was used: the run ran, and the database refused it.
    Kubectl.run(
            "annotate",
            "dp",
            "planted-db",
            "-n",
            NS,
            "tributary.io/run-now=" + Topics.RUN,
            "--overwrite")
        .ok();
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(Kubectl.jsonpath("dp", NS, "planted-db", ".status.lastRun.phase"))
                    .isEqualTo("Failed"));

    String pipelines = dumpOf(NS);
    // The plans and the Events are among what is searched.
    assertThat(pipelines).contains("kind: ConfigMap").contains("kind: Event");
    String everywhere = pipelines + dumpOf(OPERATOR_NS) + logsOf(NS) + logsOf(OPERATOR_NS);
    for (String value : List.of(KEY, PASSWORD)) {
      assertThat(everywhere).as("plain").doesNotContain(value);
      assertThat(everywhere).as("base64").doesNotContain(base64(value));
    }
    // The search does find a value where there is one.
    String secrets = Kubectl.run("get", "secrets", "-n", NS, "-o", "yaml").ok().out();
    assertThat(secrets).contains(base64(KEY), base64(PASSWORD));
  }

  /** Every listable namespaced object of {@code ns} except Secrets, as YAML. */
  private static String dumpOf(String ns) {
    List<String> kinds = new ArrayList<>();
    for (String kind :
        Kubectl.run("api-resources", "--verbs=list", "--namespaced", "-o", "name")
            .ok()
            .out()
            .split("\n")) {
      String k = kind.trim();
      if (!k.isEmpty() && !k.equals("secrets")) kinds.add(k);
    }
    StringBuilder all = new StringBuilder();
    for (String kind : kinds) {
      Kubectl.Result r = Kubectl.run("get", kind, "-n", ns, "-o", "yaml");
      if (r.exit() == 0) all.append(r.out());
    }
    return all.toString();
  }

  /** The current and previous logs of every container of every pod in {@code ns}. */
  private static String logsOf(String ns) {
    StringBuilder all = new StringBuilder();
    for (String pod : Kubectl.run("get", "pods", "-n", ns, "-o", "name").ok().out().split("\n")) {
      if (pod.isBlank()) continue;
      all.append(Kubectl.run("logs", "-n", ns, pod.trim(), "--all-containers").out());
      all.append(Kubectl.run("logs", "-n", ns, pod.trim(), "--all-containers", "--previous").out());
    }
    return all.toString();
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}

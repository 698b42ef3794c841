package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The real API server accepts our CRDs, explains them, and refuses invalid manifests. */
class CrdsE2E {
  @BeforeAll
  static void cluster() {
    Cluster.requireCluster();
  }

  @Test
  void crdsApplyCleanly() {
    var r = Kubectl.run("apply", "-f", Kubectl.repo().resolve("crds").toString()).ok();
    assertThat(r.out()).contains("streamjobs.tributary.io").contains("datapipelines.tributary.io");
    Kubectl.run(
            "wait",
            "--for=condition=Established",
            "crd/streamjobs.tributary.io",
            "crd/datapipelines.tributary.io",
            "crd/computepools.tributary.io",
            "crd/transformsets.tributary.io",
            "crd/dataendpoints.tributary.io",
            "--timeout=60s")
        .ok();
  }

  @Test
  void explainTeachesTheSpec() {
    String spec = Kubectl.run("explain", "streamjob.spec").ok().out();
    assertThat(spec)
        .contains("What the stream reads")
        .contains("guarantee")
        .contains("exactly-once");
    String cron = Kubectl.run("explain", "datapipeline.spec.schedule.cron").ok().out();
    assertThat(cron).contains("Cron expression in five fields");
    String kafka = Kubectl.run("explain", "streamjob.spec.source.kafka.topics").ok().out();
    assertThat(kafka).contains("Topics to read");
  }

  @Test
  void samplesAreAcceptedByTheApiServer() {
    // A dry run creates no Namespace, and objects in a missing namespace are refused before
    // validation; so the samples' namespaces are created for real first (idempotent).
    Kubectl.run("apply", "-f", Kubectl.repo().resolve("config/samples/namespaces.yaml").toString())
        .ok();
    Kubectl.run(
            "apply", "--dry-run=server", "-k", Kubectl.repo().resolve("config/samples").toString())
        .ok();
  }

  /**
   * One owner of the worker count, on a real API server: kubectl scale (and so an HPA or KEDA)
   * drives a StreamJob without autoscaling through the scale subresource, and is refused with the
   * fix on one with autoscaling, instead of writing a spec.replicas nobody reads.
   */
  @Test
  void theScaleSubresourceDrivesAManualJobAndIsRefusedOnAnAutoscaledOne() {
    String ns = "e2e-scale";
    Kubectl.run("create", "namespace", ns);
    try {
      // Suspended: the operator runs no workers for them; the subresource is what is tested.
      Kubectl.withInput(streamJob("manual", "  replicas: 1\n"), "apply", "-n", ns, "-f", "-").ok();
      Kubectl.withInput(
              streamJob("autoscaled", "  autoscaling: {minReplicas: 1, maxReplicas: 4}\n"),
              "apply",
              "-n",
              ns,
              "-f",
              "-")
          .ok();
      Kubectl.run("scale", "-n", ns, "streamjob/manual", "--replicas=3").ok();
      assertThat(
              Kubectl.run("get", "-n", ns, "streamjob/manual", "-o", "jsonpath={.spec.replicas}")
                  .ok()
                  .out())
          .isEqualTo("3");
      var refused = Kubectl.run("scale", "-n", ns, "streamjob/autoscaled", "--replicas=3");
      assertThat(refused.exit()).isNotZero();
      assertThat(refused.err())
          .contains("spec.replicas: cannot be set while spec.autoscaling is set")
          .contains("remove spec.autoscaling");
      assertThat(
              Kubectl.run(
                      "get", "-n", ns, "streamjob/autoscaled", "-o", "jsonpath={.spec.replicas}")
                  .ok()
                  .out())
          .isEmpty();
    } finally {
      Kubectl.run("delete", "namespace", ns, "--wait=false");
    }
  }

  private static String streamJob(String name, String scaling) {
    return "apiVersion: tributary.io/v1alpha1\n"
        + "kind: StreamJob\n"
        + "metadata: {name: "
        + name
        + "}\n"
        + "spec:\n"
        + "  source: {kafka: {bootstrapServers: 'kafka.tributary-system.svc:9092', topics: [in]}}\n"
        + "  sink: {kafka: {bootstrapServers: 'kafka.tributary-system.svc:9092', topic: out}}\n"
        + "  suspend: true\n"
        + scaling;
  }

  static Stream<Path> invalidManifests() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/test/resources/invalid"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("invalidManifests")
  void invalidManifestIsRefusedWithItsMessage(Path manifest) throws IOException {
    String text = Files.readString(manifest);
    String expect =
        text.lines().findFirst().orElseThrow().replaceFirst("^#\\s*expect:\\s*", "").trim();
    // The namespaces of the corpus may not exist; a server-side dry run still validates fully.
    Kubectl.run("create", "namespace", "e2e-invalid");
    var r = Kubectl.withInput(text, "apply", "--dry-run=server", "-n", "e2e-invalid", "-f", "-");
    assertThat(r.exit()).as("%s must be refused", manifest.getFileName()).isNotZero();
    assertThat(r.err()).as("%s", manifest.getFileName()).contains(expect);
  }
}

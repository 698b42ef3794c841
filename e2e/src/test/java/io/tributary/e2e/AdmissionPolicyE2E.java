package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's residency ValidatingAdmissionPolicies on a real API server: in a namespace labelled
 * tributary.io/residency=me-central-1, a StreamJob naming another region and a Pod that could be
 * scheduled outside the region are refused at `kubectl apply`, with the policy's message; a
 * compliant StreamJob is accepted and its workers (pinned by the operator) are admitted.
 */
class AdmissionPolicyE2E {
  private static final String NS = "e2e-residency-" + Topics.RUN;
  private static final String REGION = "me-central-1";

  @BeforeAll
  static void setUp() {
    Cluster.requireCluster();
    Kubectl.apply(
        """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
          labels: {tributary.io/residency: %s}
        """
            .formatted(NS, REGION));
    // The API server matches namespaces from its informer: wait until it sees the new one, with
    // a server-side dry run, so that no probe object is stored.
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(
                        withInput(barePod("probe"), "apply", "--dry-run=server", "-f", "-").err())
                    .contains("tributary-residency-pods"));
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  @Test
  void aStreamJobNamingAnotherRegionIsRefusedAtApply() {
    Kubectl.Result r = withInput(streamJob("eu-resident", "eu-west-1"), "apply", "-f", "-");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err())
        .contains("ValidatingAdmissionPolicy 'tributary-residency'")
        .contains(
            "spec.residency.region is eu-west-1 but namespace "
                + NS
                + " is labelled tributary.io/residency=me-central-1, and the label wins");
    assertThat(Kubectl.run("get", "streamjob", "eu-resident", "-n", NS).exit()).isNotZero();
  }

  @Test
  void aPodWithoutTheRegionAffinityIsRefused() {
    Kubectl.Result r = withInput(barePod("bare"), "apply", "-f", "-");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err())
        .contains("ValidatingAdmissionPolicy 'tributary-residency-pods'")
        .contains(
            "namespace "
                + NS
                + " is labelled tributary.io/residency=me-central-1: its pods need a required node"
                + " affinity (or a nodeSelector) on topology.kubernetes.io/region");
    assertThat(Kubectl.run("get", "pod", "bare", "-n", NS).exit()).isNotZero();
    // The same pod pinned by a nodeSelector to the namespace's region is admitted.
    String pinned =
        barePod("pinned")
            .replace(
                "spec:\n",
                "spec:\n  nodeSelector: {topology.kubernetes.io/region: me-central-1}\n");
    withInput(pinned, "apply", "--dry-run=server", "-f", "-").ok();
  }

  @Test
  void aStreamJobInTheNamespacesRegionIsAcceptedAndItsWorkersAdmitted() {
    withInput(streamJob("uae-resident", REGION), "apply", "-f", "-").ok();
    // The operator's workers carry the required region affinity, so the pod policy admits them:
    // the Deployment's pods exist (whether or not a node of the region has room for them).
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(Kubectl.pods(NS, "tributary.io/pipeline=uae-resident", "name"))
                    .isNotBlank());
  }

  private static Kubectl.Result withInput(String yaml, String... args) {
    String[] withNamespace = new String[args.length + 2];
    System.arraycopy(args, 0, withNamespace, 0, args.length);
    withNamespace[args.length] = "-n";
    withNamespace[args.length + 1] = NS;
    return Kubectl.withInput(yaml, withNamespace);
  }

  private static String streamJob(String name, String region) {
    return """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          source:
            kafka: {bootstrapServers: "%3$s", topics: [e2e.residency]}
          sink:
            kafka: {bootstrapServers: "%3$s", topic: e2e.residency.out}
          guarantee: at-least-once
          compute: {resources: {cpu: 100m, memory: 128Mi}}
          residency: {region: %4$s}
        """
        .formatted(name, NS, Cluster.kafkaBootstrap(), region);
  }

  private static String barePod(String name) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, namespace: %s}
        spec:
          containers:
            - {name: main, image: busybox:1.36, command: [sleep, "3600"]}
        """
        .formatted(name, NS);
  }
}

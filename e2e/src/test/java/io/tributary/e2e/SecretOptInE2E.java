package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pipeline may use only Secrets opened to pipelines (label tributary.io/pipeline-secret=true): a
 * StreamJob naming another Secret of its namespace is refused with the fix and gets no workers;
 * labelling the Secret admits it without an edit.
 */
class SecretOptInE2E {
  private static final String NS = "e2e-secrets-" + Topics.RUN;

  @BeforeAll
  static void setUp() throws Exception {
    Cluster.requireCluster();
    Kubectl.run("create", "namespace", NS);
    Kubectl.run("create", "secret", "generic", "team-key", "-n", NS, "--from-literal=hmac=x").ok();
    Topics.create(Topics.name("e2e.secrets"), 1);
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
  }

  @Test
  void aSecretNotOpenedToPipelinesIsRefusedUntilThePlatformLabelsIt() {
    Kubectl.apply(
        """
        apiVersion: tributary.io/v1alpha1
        kind: StreamJob
        metadata: {name: borrower, namespace: %1$s}
        spec:
          source:
            kafka: {bootstrapServers: "%2$s", topics: [e2e.secrets.%3$s]}
          transforms:
            - mask:
                keySecretRef: {name: team-key, key: hmac}
                fields: [{field: email, method: hmac}]
          sink:
            kafka: {bootstrapServers: "%2$s", topic: e2e.secrets.out.%3$s}
          guarantee: at-least-once
          compute: {resources: {cpu: 100m, memory: 320Mi}}
        """
            .formatted(NS, Cluster.kafkaBootstrap(), Topics.RUN));
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(
                        Kubectl.jsonpath(
                            "streamjob",
                            NS,
                            "borrower",
                            ".status.conditions[?(@.type==\"Ready\")].reason"))
                    .isEqualTo("SecretNotAllowed"));
    assertThat(
            Kubectl.jsonpath(
                "streamjob", NS, "borrower", ".status.conditions[?(@.type==\"Ready\")].message"))
        .contains("Secret team-key (key hmac) is not open to pipelines")
        .contains("tributary.io/pipeline-secret=true");
    assertThat(Kubectl.run("get", "deployments", "-n", NS, "-o", "name").ok().out()).isBlank();

    // The platform opens it: the job is admitted at the next look (within a minute), no edit.
    Kubectl.run("label", "secret", "team-key", "-n", NS, "tributary.io/pipeline-secret=true").ok();
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () ->
                assertThat(Kubectl.run("get", "deployments", "-n", NS, "-o", "name").ok().out())
                    .contains("borrower-worker"));
  }
}

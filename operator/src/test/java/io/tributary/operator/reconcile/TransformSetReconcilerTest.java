package io.tributary.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.TransformSet;
import io.tributary.operator.api.TransformSetStatus;
import io.tributary.operator.api.TransformSetUser;
import io.tributary.operator.render.WorkerPod;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.testing.Golden;
import io.tributary.operator.testing.MockCluster;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TransformSets on the mock API server with the operator running: pipelines of both kinds run the
 * steps of the set they name, a change of the set rolls out to all of them, a missing or invalid
 * set is reported on the pipeline, and the set lists the pipelines naming it.
 */
class TransformSetReconcilerTest {
  private static final String NS = "payments";
  private MockCluster cluster;

  @BeforeEach
  void start() {
    cluster = new MockCluster(Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC));
    cluster
        .client()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    cluster.client().resource(Golden.fixture("cpu-pool.yaml", ComputePool.class)).create();
    cluster.startOperator();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aStreamJobRunsTheSetsStepsAndRollsWhenTheSetChanges() {
    createSet("amount > 0.0");
    createStreamJob();
    ConfigMap plan = awaitPlan(p -> p.contains("common-cleaning/positive"));
    assertThat(stepNames(plan))
        .containsExactly(
            "validate-0", "common-cleaning/positive", "common-cleaning/mask-card", "derive-2");
    String hashBefore = planHash(awaitDeployment());

    editSetFilter("amount > 10.0");

    awaitPlan(p -> p.contains("amount > 10.0"));
    await().untilAsserted(() -> assertThat(planHash(awaitDeployment())).isNotEqualTo(hashBefore));
    await()
        .untilAsserted(
            () -> assertThat(setStatus().revision()).isNotEqualTo(revisionOf("amount > 0.0")));
  }

  @Test
  void aMissingSetIsReportedAndItsCreationStartsTheWorkers() {
    createStreamJob();
    await().untilAsserted(() -> assertThat(jobReady().reason()).isEqualTo("TransformSetNotFound"));
    assertThat(jobReady().status()).isEqualTo("False");
    assertThat(jobReady().message())
        .contains("spec.transforms[1].transformSet.name")
        .contains("TransformSet common-cleaning does not exist in namespace payments");
    assertThat(cluster.client().apps().deployments().inNamespace(NS).list().getItems()).isEmpty();

    createSet("amount > 0.0");

    assertThat(awaitDeployment()).isNotNull();
    await()
        .untilAsserted(() -> assertThat(jobReady().reason()).isNotEqualTo("TransformSetNotFound"));
  }

  @Test
  void deletingTheSetKeepsTheRunningWorkersAndSaysSo() {
    createSet("amount > 0.0");
    createStreamJob();
    ConfigMap before = awaitPlan(p -> p.contains("common-cleaning/positive"));
    awaitDeployment();

    cluster
        .client()
        .resources(TransformSet.class)
        .inNamespace(NS)
        .withName("common-cleaning")
        .delete();

    await()
        .untilAsserted(() -> assertThat(jobDegraded().reason()).isEqualTo("TransformSetNotFound"));
    assertThat(jobDegraded().message())
        .contains("TransformSet common-cleaning does not exist")
        .contains("still running");
    assertThat(awaitDeployment()).isNotNull();
    assertThat(awaitPlan(p -> true).getData()).isEqualTo(before.getData());
  }

  @Test
  void anInvalidStepIsReportedOnTheSetAndOnThePipelineNamingBoth() {
    createSet("amount >");
    createStreamJob();
    await().untilAsserted(() -> assertThat(jobReady().reason()).isEqualTo("InvalidExpression"));
    assertThat(jobReady().message())
        .startsWith(
            "spec.transforms[1]: TransformSet common-cleaning"
                + " spec.transforms[0].filter.expression: ");
    await().untilAsserted(() -> assertThat(setReady().reason()).isEqualTo("InvalidExpression"));
    assertThat(setReady().status()).isEqualTo("False");
    assertThat(setReady().message()).startsWith("spec.transforms[0].filter.expression: ");
    assertThat(cluster.client().apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void theSetListsThePipelinesNamingIt() {
    createSet("amount > 0.0");
    createStreamJob();
    createDataPipeline();
    await()
        .untilAsserted(
            () ->
                assertThat(setStatus().usedBy())
                    .containsExactly(
                        new TransformSetUser("DataPipeline", "orders"),
                        new TransformSetUser("StreamJob", "fraud-scoring")));
    assertThat(setStatus().usedByCount()).isEqualTo(2);
    assertThat(setStatus().steps()).isEqualTo(2);
    assertThat(setReady().reason()).isEqualTo("StepsValid");

    // The pipeline stops naming the set: the set no longer lists it.
    DataPipeline without = Serialization.unmarshal(dataPipelineYaml(""), DataPipeline.class);
    editRetryingConflicts(
        () ->
            cluster
                .client()
                .resources(DataPipeline.class)
                .inNamespace(NS)
                .withName("orders")
                .edit(
                    p -> {
                      p.setSpec(without.getSpec());
                      return p;
                    }));
    await()
        .untilAsserted(
            () ->
                assertThat(setStatus().usedBy())
                    .containsExactly(new TransformSetUser("StreamJob", "fraud-scoring")));
  }

  private void createSet(String filter) {
    cluster
        .client()
        .resource(Serialization.unmarshal(setYaml(filter), TransformSet.class))
        .create();
  }

  private void editSetFilter(String filter) {
    TransformSet changed = Serialization.unmarshal(setYaml(filter), TransformSet.class);
    editRetryingConflicts(
        () ->
            cluster
                .client()
                .resources(TransformSet.class)
                .inNamespace(NS)
                .withName("common-cleaning")
                .edit(
                    s -> {
                      s.setSpec(changed.getSpec());
                      return s;
                    }));
  }

  /** Edits like a user: a conflict with the operator's status write is retried. */
  private static void editRetryingConflicts(Runnable edit) {
    await()
        .ignoreException(KubernetesClientException.class)
        .until(
            () -> {
              edit.run();
              return true;
            });
  }

  private static String revisionOf(String filter) {
    return io.tributary.operator.render.TransformSets.revision(
        Serialization.unmarshal(setYaml(filter), TransformSet.class).getSpec());
  }

  private static String setYaml(String filter) {
    return String.join(
        "\n",
        "apiVersion: tributary.io/v1alpha1",
        "kind: TransformSet",
        "metadata: {name: common-cleaning, namespace: " + NS + "}",
        "spec:",
        "  description: Positive amounts only; card numbers masked.",
        "  transforms:",
        "    - name: positive",
        "      filter: {expression: \"" + filter + "\"}",
        "    - name: mask-card",
        "      mask:",
        "        keySecretRef: {name: masking-key, key: hmac}",
        "        fields:",
        "          - {field: card_number, method: keepLast, keep: 4}",
        "          - {field: customer_email, method: hmac}",
        "");
  }

  private void createStreamJob() {
    String yaml =
        String.join(
            "\n",
            "apiVersion: tributary.io/v1alpha1",
            "kind: StreamJob",
            "metadata: {name: fraud-scoring, namespace: " + NS + "}",
            "spec:",
            "  source:",
            "    kafka: {bootstrapServers: 'kafka.tributary-system.svc:9092', topics: [txns]}",
            "  transforms:",
            "    - validate: {}",
            "    - transformSet: {name: common-cleaning}",
            "    - derive: {fields: [{name: amount_aed, expression: amount * 3.6725}]}",
            "  sink:",
            "    kafka: {bootstrapServers: 'kafka.tributary-system.svc:9092', topic: scored}",
            "  schema:",
            "    fields:",
            "      - {name: txn_id, type: string, required: true}",
            "      - {name: card_number, type: string, required: true, pii: true}",
            "      - {name: customer_email, type: string, pii: true}",
            "      - {name: amount, type: number, required: true}",
            "  replicas: 1",
            "  compute: {pool: cpu-standard}",
            "");
    cluster.client().resource(Serialization.unmarshal(yaml, StreamJob.class)).create();
  }

  private void createDataPipeline() {
    cluster
        .client()
        .resource(
            Serialization.unmarshal(
                dataPipelineYaml("    - transformSet: {name: common-cleaning}"),
                DataPipeline.class))
        .create();
  }

  private static String dataPipelineYaml(String transforms) {
    return String.join(
        "\n",
        "apiVersion: tributary.io/v1alpha1",
        "kind: DataPipeline",
        "metadata: {name: orders, namespace: " + NS + "}",
        "spec:",
        "  source: {files: {path: /lake/raw/orders/*.jsonl, format: jsonl}}",
        transforms.isEmpty() ? "" : "  transforms:\n" + transforms,
        "  sink: {lake: {path: /lake/curated/orders, format: parquet}}",
        "  schema:",
        "    fields:",
        "      - {name: card_number, type: string, pii: true}",
        "      - {name: customer_email, type: string, pii: true}",
        "      - {name: amount, type: number}",
        "  compute: {pool: cpu-standard}",
        "");
  }

  private ConfigMap awaitPlan(java.util.function.Predicate<String> matching) {
    return await()
        .until(
            () ->
                cluster.client().configMaps().inNamespace(NS).withName("fraud-scoring-plan").get(),
            c -> c != null && matching.test(c.getData().get(WorkerPod.PLAN_KEY)));
  }

  private Deployment awaitDeployment() {
    return FraudJob.awaitDeployment(cluster);
  }

  private static String planHash(Deployment d) {
    return d.getSpec().getTemplate().getMetadata().getAnnotations().get(WorkerPod.PLAN_ANNOTATION);
  }

  private static List<String> stepNames(ConfigMap plan) {
    return read(plan.getData().get(WorkerPod.PLAN_KEY)).transforms().stream()
        .map(TransformSpec::name)
        .toList();
  }

  private static WorkerPlan read(String json) {
    try {
      return PlanJson.readPlan(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  private TransformSetStatus setStatus() {
    TransformSet set =
        cluster
            .client()
            .resources(TransformSet.class)
            .inNamespace(NS)
            .withName("common-cleaning")
            .get();
    assertThat(set.getStatus()).as("status of the set").isNotNull();
    return set.getStatus();
  }

  private Condition setReady() {
    return Conditions.find(setStatus().conditions(), Conditions.READY);
  }

  private Condition jobDegraded() {
    StreamJob job = FraudJob.get(cluster);
    assertThat(job.getStatus()).as("status of the job").isNotNull();
    Condition c = Conditions.find(job.getStatus().conditions(), Conditions.DEGRADED);
    assertThat(c).isNotNull();
    return c;
  }

  private Condition jobReady() {
    StreamJob job = FraudJob.get(cluster);
    assertThat(job.getStatus()).as("status of the job").isNotNull();
    Condition c = Conditions.find(job.getStatus().conditions(), Conditions.READY);
    assertThat(c).isNotNull();
    return c;
  }
}

package io.tributary.operator.reconcile;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.testing.MockCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamJobReconcilerTest {
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
    cluster.client().resource(fixture("cpu-pool.yaml", ComputePool.class)).create();
    cluster.startOperator();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void createsEveryWorkerObjectOwnedByTheJob() {
    StreamJob job = createFraudJob();
    Deployment d = awaitDeployment();
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getTemplate().getSpec().getNodeSelector())
        .containsEntry("tributary.io/pool", "cpu-standard");
    String uid = cluster.client().resource(job).get().getMetadata().getUid();
    await().until(() -> get(NetworkPolicy.class, "fraud-scoring-worker") != null);
    for (var o :
        List.of(
            get(ConfigMap.class, "fraud-scoring-plan"),
            get(ServiceAccount.class, "fraud-scoring-worker"),
            get(Service.class, "fraud-scoring-worker"),
            get(PodDisruptionBudget.class, "fraud-scoring-worker"),
            get(NetworkPolicy.class, "fraud-scoring-worker"),
            d)) {
      assertThat(o.getMetadata().getOwnerReferences())
          .singleElement()
          .extracting("uid")
          .isEqualTo(uid);
    }
  }

  @Test
  void notReadyUntilTheWorkersAreAvailable() {
    createFraudJob();
    Deployment d = awaitDeployment();
    await()
        .untilAsserted(
            () ->
                assertThat(ready()).extracting(Condition::reason).isEqualTo("WorkersUnavailable"));
    assertThat(ready().status()).isEqualTo("False");
    assertThat(status().readyText()).isEqualTo("0/2");

    markAvailable(d, 2);
    await().untilAsserted(() -> assertThat(ready().status()).isEqualTo("True"));
    assertThat(ready().reason()).isEqualTo("WorkersAvailable");
    assertThat(status().readyText()).isEqualTo("2/2");
    assertThat(status().selector())
        .isEqualTo("tributary.io/kind=streamjob,tributary.io/pipeline=fraud-scoring");
    assertThat(status().guarantee()).isEqualTo("exactly-once");
    assertThat(status().observedGeneration()).isEqualTo(job().getMetadata().getGeneration());
  }

  @Test
  void scalingTheSpecScalesTheDeploymentWithoutRollingIt() {
    createFraudJob();
    Deployment before = awaitDeployment();
    editJob(j -> withReplicas(j, 4));
    await().untilAsserted(() -> assertThat(awaitDeployment().getSpec().getReplicas()).isEqualTo(4));
    assertThat(awaitDeployment().getSpec().getTemplate().getMetadata().getAnnotations())
        .isEqualTo(before.getSpec().getTemplate().getMetadata().getAnnotations());
  }

  @Test
  void suspendScalesToZeroAndSaysSo() {
    createFraudJob();
    awaitDeployment();
    // Stopping is news only against a status that said otherwise: wait for the first one.
    await().until(() -> job().getStatus() != null && job().getStatus().conditions() != null);
    editJob(j -> withSuspend(j));
    await().untilAsserted(() -> assertThat(awaitDeployment().getSpec().getReplicas()).isZero());
    await().untilAsserted(() -> assertThat(ready().reason()).isEqualTo("ScaledToZero"));
    assertThat(ready().status()).isEqualTo("True");
    assertThat(ready().message()).contains("spec.suspend is true");
    await().untilAsserted(() -> assertThat(eventReasons()).contains("WorkersStopped", "Scaled"));
  }

  @Test
  void zeroReplicasOnPurposeIsReady() {
    createFraudJob();
    awaitDeployment();
    editJob(j -> withReplicas(j, 0));
    await().untilAsserted(() -> assertThat(ready().reason()).isEqualTo("ScaledToZero"));
    assertThat(ready().status()).isEqualTo("True");
    assertThat(ready().message()).contains("spec.replicas is 0");
    assertThat(status().readyText()).isEqualTo("0/0");
  }

  @Test
  void unknownPoolIsReportedWithoutWorkersOrRetries() {
    StreamJob job = fixture("fraud-streamjob.yaml", StreamJob.class);
    job.getMetadata().setUid(null);
    job.getMetadata().setGeneration(null);
    StreamJob withBadPool = new StreamJob();
    withBadPool.setMetadata(job.getMetadata());
    withBadPool.setSpec(
        new io.tributary.operator.api.StreamJobSpec(
            job.getSpec().source(),
            job.getSpec().transforms(),
            job.getSpec().sink(),
            job.getSpec().schema(),
            job.getSpec().deadLetter(),
            job.getSpec().guarantee(),
            job.getSpec().replicas(),
            job.getSpec().autoscaling(),
            job.getSpec().checkpointInterval(),
            new io.tributary.operator.api.ComputeSpec("no-such-pool", null, null, null),
            job.getSpec().residency(),
            null));
    cluster.client().resource(withBadPool).create();
    await().untilAsserted(() -> assertThat(ready().reason()).isEqualTo("UnknownPool"));
    assertThat(ready().message()).contains("spec.compute.pool").contains("no-such-pool");
    assertThat(cluster.client().apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.client().v1().events().inNamespace(NS).list().getItems())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo("UnknownPool");
                        }));
    // No retry storm: the status write settles, and nothing more is written.
    cluster.drainRequests();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(MockCluster.writes(cluster.drainRequests())).isEmpty());
  }

  @Test
  void residencyViolationStopsTheWorkers() {
    createFraudJob();
    awaitDeployment();
    // The namespace now says its data is EU data, but the job reads and writes in me-central-1.
    cluster
        .client()
        .namespaces()
        .withName(NS)
        .edit(
            n ->
                new NamespaceBuilder(n)
                    .editMetadata()
                    .addToLabels("tributary.io/residency", "eu-west-1")
                    .endMetadata()
                    .build());
    editJob(j -> withoutResidency(j));
    await().untilAsserted(() -> assertThat(ready().reason()).isEqualTo("ResidencyViolation"));
    assertThat(ready().message())
        .contains("spec.source.region is me-central-1")
        .contains("eu-west-1");
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.client().apps().deployments().inNamespace(NS).list().getItems())
                    .isEmpty());
  }

  @Test
  void aResyncWithNothingChangedMakesNoWriteCalls() {
    createFraudJob();
    markAvailable(awaitDeployment(), 2);
    await().untilAsserted(() -> assertThat(ready().status()).isEqualTo("True"));
    cluster.stopOperator();
    cluster.drainRequests();
    // A new operator reconciles every resource on start: all of them are already as desired.
    cluster.startOperator();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(cluster.drainRequests())
                    .anyMatch(r -> r.startsWith("GET /apis/tributary.io")));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(6))
        .untilAsserted(() -> assertThat(MockCluster.writes(cluster.drainRequests())).isEmpty());
  }

  /** Edits the spec like a user would; a conflict with the operator's status write is retried. */
  private void editJob(java.util.function.UnaryOperator<StreamJob> edit) {
    await()
        .ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () -> {
              cluster.client().resource(job()).edit(edit);
              return true;
            });
  }

  @Test
  void autoscalesFromConsumerLagWithinBoundsAndPartitions() {
    cluster.lag().set(0, 6);
    StreamJob job = fixture("fraud-streamjob.yaml", StreamJob.class);
    job.getMetadata().setUid(null);
    job.getMetadata().setGeneration(null);
    var s = job.getSpec();
    job.setSpec(
        new io.tributary.operator.api.StreamJobSpec(
            s.source(),
            s.transforms(),
            s.sink(),
            s.schema(),
            s.deadLetter(),
            s.guarantee(),
            1,
            new io.tributary.operator.api.StreamJobSpec.Autoscaling(1, 4, 1000L, "1m"),
            s.checkpointInterval(),
            s.compute(),
            s.residency(),
            null));
    cluster.client().resource(job).create();
    await().untilAsserted(() -> assertThat(status().desiredReplicas()).isEqualTo(1));
    cluster.lag().set(4500, 6);
    // ceil(4500 / 1000) = 5 workers wanted, but maxReplicas is 4.
    await().untilAsserted(() -> assertThat(awaitDeployment().getSpec().getReplicas()).isEqualTo(4));
    await().untilAsserted(() -> assertThat(status().lag()).isEqualTo(4500L));
    assertThat(status().desiredReplicas()).isEqualTo(4);
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.client().v1().events().inNamespace(NS).list().getItems())
                    .anyMatch(
                        e ->
                            "Scaled".equals(e.getReason())
                                && e.getMessage().contains("capped at 4")));

    // Brokers unreachable: keep the workers, stop claiming a lag we cannot see.
    cluster.lag().failing(true);
    await().untilAsserted(() -> assertThat(status().lag()).isNull());
    assertThat(awaitDeployment().getSpec().getReplicas()).isEqualTo(4);
  }

  @Test
  void aHandScaledDeploymentIsScaledBackOnTheNextReconcile() {
    createFraudJob();
    Deployment d = awaitDeployment();
    d.getSpec().setReplicas(1);
    cluster.client().resource(d).update();
    await().untilAsserted(() -> assertThat(awaitDeployment().getSpec().getReplicas()).isEqualTo(2));
    await()
        .untilAsserted(
            () ->
                assertThat(events())
                    .anyMatch(
                        e ->
                            "Scaled".equals(e.getReason())
                                && e.getMessage().contains("from 1 to 2 workers: spec.replicas")));
  }

  @Test
  void aRemovedSecurityContextIsPutBack() {
    createFraudJob();
    Deployment d = awaitDeployment();
    var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getSecurityContext()).isNotNull();
    container.setSecurityContext(null);
    d.getSpec().getTemplate().getSpec().setSecurityContext(null);
    cluster.client().resource(d).update();
    await()
        .untilAsserted(
            () ->
                assertThat(
                        awaitDeployment()
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getSecurityContext())
                    .isNotNull());
  }

  @Test
  void resyncsOfAnUnchangedJobWriteNothing() {
    createFraudJob();
    markAvailable(awaitDeployment(), 2);
    await().untilAsserted(() -> assertThat(ready().status()).isEqualTo("True"));
    assertNoWritesOverSeveralReconciles();
  }

  @Test
  void resyncsOfAnIdleJobScaledToZeroWriteNothing() {
    createFraudJob();
    awaitDeployment();
    editJob(j -> withReplicas(j, 0));
    await().untilAsserted(() -> assertThat(ready().reason()).isEqualTo("ScaledToZero"));
    assertNoWritesOverSeveralReconciles();
  }

  @Test
  void resyncsOfAnAutoscaledJobWithSteadyLagWriteNothing() {
    cluster.lag().set(1500, 6);
    createAutoscaledJob(new io.tributary.operator.api.StreamJobSpec.Autoscaling(1, 4, 1000L, "1m"));
    await().untilAsserted(() -> assertThat(status().desiredReplicas()).isEqualTo(2));
    assertThat(status().recommendations()).hasSize(1);
    assertNoWritesOverSeveralReconciles();
  }

  /**
   * The lag poll is 1 s in tests, so each second reconciles the job again: several reconciles
   * (counted by the lag reads they make) and not one write, status and Events included.
   */
  private void assertNoWritesOverSeveralReconciles() {
    await()
        .during(Duration.ofSeconds(1))
        .until(() -> MockCluster.writes(cluster.drainRequests()).isEmpty());
    int readsBefore = cluster.lag().reads();
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.lag().reads() >= readsBefore + 4);
    assertThat(MockCluster.writes(cluster.drainRequests())).isEmpty();
  }

  @Test
  void theAutoscalersMemoryLivesInStatusAndSurvivesARestart() {
    cluster.lag().set(4500, 6);
    createAutoscaledJob(
        new io.tributary.operator.api.StreamJobSpec.Autoscaling(1, 4, 1000L, "10m"));
    await().untilAsserted(() -> assertThat(status().recommendations()).isNotEmpty());
    assertThat(awaitDeployment().getSpec().getReplicas()).isEqualTo(4);
    cluster.stopOperator();
    // The lag is gone, but within the stabilization window the job keeps its workers: a
    // restarted operator remembers the recommendation of 4 from status, not from memory.
    cluster.lag().set(0, 6);
    int reads = cluster.lag().reads();
    cluster.startOperator();
    await().until(() -> cluster.lag().reads() >= reads + 3);
    assertThat(awaitDeployment().getSpec().getReplicas()).isEqualTo(4);
    assertThat(status().recommendations())
        .extracting(io.tributary.operator.api.ReplicaRecommendation::replicas)
        .containsExactly(4, 1);
  }

  @Test
  void aBrieflyMissingPoolKeepsTheRunningWorkersAndSaysSo() {
    createFraudJob();
    markAvailable(awaitDeployment(), 2);
    await().untilAsserted(() -> assertThat(ready().status()).isEqualTo("True"));
    long generation = job().getMetadata().getGeneration();
    cluster.client().resources(ComputePool.class).withName("cpu-standard").delete();
    await().untilAsserted(() -> assertThat(degraded().status()).isEqualTo("True"));
    assertThat(degraded().reason()).isEqualTo("UnknownPool");
    assertThat(degraded().message())
        .contains("spec generation " + generation + " is invalid")
        .contains("still running generation " + generation + "'s workers");
    assertThat(ready().status()).isEqualTo("True");
    assertThat(awaitDeployment().getSpec().getReplicas()).isEqualTo(2);

    cluster.client().resource(fixture("cpu-pool.yaml", ComputePool.class)).create();
    await().untilAsserted(() -> assertThat(degraded().status()).isEqualTo("False"));
    assertThat(cluster.client().apps().deployments().inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  void anInvalidExpressionInAnEditKeepsTheLastGoodWorkers() {
    createFraudJob();
    markAvailable(awaitDeployment(), 2);
    await().untilAsserted(() -> assertThat(ready().status()).isEqualTo("True"));
    String planBefore = get(ConfigMap.class, "fraud-scoring-plan").getData().get("plan.json");
    long good = job().getMetadata().getGeneration();
    cluster
        .client()
        .resources(StreamJob.class)
        .inNamespace(NS)
        .withName("fraud-scoring")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"transforms\":[{\"filter\":{\"expression\":\"amount >\"}}]}}");
    await().untilAsserted(() -> assertThat(degraded().reason()).isEqualTo("InvalidExpression"));
    assertThat(degraded().message())
        .contains("spec generation " + job().getMetadata().getGeneration() + " is invalid")
        .contains("still running generation " + good + "'s workers");
    assertThat(ready().status()).isEqualTo("True");
    assertThat(get(ConfigMap.class, "fraud-scoring-plan").getData().get("plan.json"))
        .isEqualTo(planBefore);
    assertThat(awaitDeployment()).isNotNull();
    await().untilAsserted(() -> assertThat(eventReasons()).contains("InvalidExpression"));
  }

  @Test
  void suspendingAJobWithAnInvalidEditStillStopsItsWorkers() {
    createFraudJob();
    awaitDeployment();
    cluster
        .client()
        .resources(StreamJob.class)
        .inNamespace(NS)
        .withName("fraud-scoring")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"suspend\":true,"
                + "\"transforms\":[{\"filter\":{\"expression\":\"amount >\"}}]}}");
    await().untilAsserted(() -> assertThat(awaitDeployment().getSpec().getReplicas()).isZero());
    await().untilAsserted(() -> assertThat(ready().reason()).isEqualTo("ScaledToZero"));
    assertThat(degraded().reason()).isEqualTo("InvalidExpression");
  }

  @Test
  void unschedulableWorkersShowTheSchedulersMessage() {
    createFraudJob();
    awaitDeployment();
    createPod(
        "fraud-scoring-worker-a",
        new PodStatusBuilder()
            .withPhase("Pending")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage(
                "0/8 nodes are available: 1 Insufficient cpu, 7 node(s) had untolerated taint.")
            .endCondition()
            .build());
    await().untilAsserted(() -> assertThat(ready().reason()).isEqualTo("WorkersUnschedulable"));
    assertThat(ready().message()).contains("0/8 nodes are available: 1 Insufficient cpu");
  }

  @Test
  void aWorkerThatRefusesItsPlanShowsItsOwnWords() {
    createFraudJob();
    awaitDeployment();
    String summary =
        "{\"outcome\":\"Failed\",\"failure\":\"permanent\",\"message\":\"plan /etc/tributary/plan.json:"
            + " secret masking-key/hmac: file not found\",\"recordsRead\":0,\"recordsWritten\":0,"
            + "\"recordsRejected\":0,\"durationMillis\":0}";
    createPod(
        "fraud-scoring-worker-b",
        new PodStatusBuilder()
            .withPhase("Running")
            .addNewContainerStatus()
            .withName("worker")
            .withReady(false)
            .withRestartCount(4)
            .withNewState()
            .withNewWaiting()
            .withReason("CrashLoopBackOff")
            .withMessage("back-off 1m20s restarting failed container")
            .endWaiting()
            .endState()
            .withNewLastState()
            .withNewTerminated()
            .withExitCode(78)
            .withReason("Error")
            .withMessage(summary)
            .withFinishedAt("2026-11-25T09:59:00Z")
            .endTerminated()
            .endLastState()
            .endContainerStatus()
            .build());
    await().untilAsserted(() -> assertThat(ready().reason()).isEqualTo("InvalidPlan"));
    assertThat(ready().message())
        .contains("exited 78 (invalid plan)")
        .contains("secret masking-key/hmac: file not found");
    assertThat(degraded().status()).isEqualTo("True");
    assertThat(degraded().reason()).isEqualTo("WorkersCrashLooping");
  }

  private void createPod(String name, io.fabric8.kubernetes.api.model.PodStatus podStatus) {
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NS)
            .withLabels(
                Map.of(
                    "tributary.io/kind", "streamjob",
                    "tributary.io/pipeline", "fraud-scoring",
                    "app.kubernetes.io/managed-by", "tributary-operator"))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("worker")
            .withImage("tributary/runtime:dev")
            .endContainer()
            .endSpec()
            .build();
    Pod created = cluster.client().resource(pod).create();
    created.setStatus(podStatus);
    cluster.client().resource(created).updateStatus();
  }

  private StreamJob createAutoscaledJob(io.tributary.operator.api.StreamJobSpec.Autoscaling a) {
    StreamJob job = fixture("fraud-streamjob.yaml", StreamJob.class);
    job.getMetadata().setUid(null);
    job.getMetadata().setGeneration(null);
    var s = job.getSpec();
    job.setSpec(
        new io.tributary.operator.api.StreamJobSpec(
            s.source(),
            s.transforms(),
            s.sink(),
            s.schema(),
            s.deadLetter(),
            s.guarantee(),
            1,
            a,
            s.checkpointInterval(),
            s.compute(),
            s.residency(),
            null));
    return cluster.client().resource(job).create();
  }

  private List<io.fabric8.kubernetes.api.model.Event> events() {
    return cluster.client().v1().events().inNamespace(NS).list().getItems();
  }

  private List<String> eventReasons() {
    return events().stream().map(io.fabric8.kubernetes.api.model.Event::getReason).toList();
  }

  private Condition degraded() {
    Condition c = Conditions.find(status().conditions(), "Degraded");
    assertThat(c).isNotNull();
    return c;
  }

  private StreamJob createFraudJob() {
    StreamJob job = fixture("fraud-streamjob.yaml", StreamJob.class);
    job.getMetadata().setUid(null);
    job.getMetadata().setGeneration(null);
    return cluster.client().resource(job).create();
  }

  private Deployment awaitDeployment() {
    return await()
        .until(
            () ->
                cluster
                    .client()
                    .apps()
                    .deployments()
                    .inNamespace(NS)
                    .withName("fraud-scoring-worker")
                    .get(),
            d -> d != null);
  }

  private void markAvailable(Deployment d, int replicas) {
    d.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(d.getMetadata().getGeneration())
            .withReplicas(replicas)
            .withReadyReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withAvailableReplicas(replicas)
            .withConditions(
                new DeploymentConditionBuilder().withType("Available").withStatus("True").build())
            .build());
    cluster.client().resource(d).updateStatus();
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> T get(
      Class<T> type, String name) {
    return cluster.client().resources(type).inNamespace(NS).withName(name).get();
  }

  private StreamJob job() {
    return cluster
        .client()
        .resources(StreamJob.class)
        .inNamespace(NS)
        .withName("fraud-scoring")
        .get();
  }

  private io.tributary.operator.api.StreamJobStatus status() {
    var status = job().getStatus();
    assertThat(status).as("status of fraud-scoring").isNotNull();
    return status;
  }

  private Condition ready() {
    StreamJob j = job();
    Condition c =
        j.getStatus() == null ? null : Conditions.find(j.getStatus().conditions(), "Ready");
    assertThat(c)
        .as("Ready condition of %s", Map.of("status", String.valueOf(j.getStatus())))
        .isNotNull();
    return c;
  }

  private static StreamJob withReplicas(StreamJob j, int replicas) {
    var s = j.getSpec();
    j.setSpec(
        new io.tributary.operator.api.StreamJobSpec(
            s.source(),
            s.transforms(),
            s.sink(),
            s.schema(),
            s.deadLetter(),
            s.guarantee(),
            replicas,
            s.autoscaling(),
            s.checkpointInterval(),
            s.compute(),
            s.residency(),
            s.suspend()));
    return j;
  }

  private static StreamJob withSuspend(StreamJob j) {
    var s = j.getSpec();
    j.setSpec(
        new io.tributary.operator.api.StreamJobSpec(
            s.source(),
            s.transforms(),
            s.sink(),
            s.schema(),
            s.deadLetter(),
            s.guarantee(),
            s.replicas(),
            s.autoscaling(),
            s.checkpointInterval(),
            s.compute(),
            s.residency(),
            true));
    return j;
  }

  private static StreamJob withoutResidency(StreamJob j) {
    var s = j.getSpec();
    j.setSpec(
        new io.tributary.operator.api.StreamJobSpec(
            s.source(),
            s.transforms(),
            s.sink(),
            s.schema(),
            s.deadLetter(),
            s.guarantee(),
            s.replicas(),
            s.autoscaling(),
            s.checkpointInterval(),
            s.compute(),
            null,
            s.suspend()));
    return j;
  }
}

package io.tributary.operator.reconcile;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.testing.MockCluster;
import io.tributary.operator.testing.Scrape;
import java.time.Duration;
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
    cluster = FraudJob.startCluster();
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
  void lagWorkersAndScaleChangesAreMetrics() {
    cluster.lag().set(4200, 6);
    createFraudJob();
    markAvailable(awaitDeployment(), 2);
    Map<String, String> job = Map.of("namespace", NS, "name", "fraud-scoring");
    await()
        .untilAsserted(
            () -> {
              Scrape s = cluster.scrape();
              assertThat(s.value("tributary_streamjob_lag", job)).hasValue(4200);
              assertThat(s.value("tributary_streamjob_desired_replicas", job)).hasValue(2);
              assertThat(s.value("tributary_streamjob_ready_replicas", job)).hasValue(2);
            });
    editJob(j -> withReplicas(j, 4));
    await()
        .untilAsserted(
            () ->
                assertThat(
                        cluster
                            .scrape()
                            .value(
                                "tributary_streamjob_scale_changes_total",
                                Map.of("name", "fraud-scoring", "direction", "up")))
                    .hasValue(1));
    assertThat(cluster.scrape().value("tributary_streamjob_desired_replicas", job)).hasValue(4);
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
            null,
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
    FraudJob.labelNamespaceRegion(cluster, "eu-west-1");
    editJob(j -> withoutResidency(j));
    await().untilAsserted(() -> assertThat(ready().reason()).isEqualTo("ResidencyViolation"));
    assertThat(ready().message())
        .contains("spec.source.region is me-central-1")
        .contains("eu-west-1");
    assertThat(
            cluster
                .scrape()
                .value(
                    "tributary_resource_refused",
                    Map.of("kind", "StreamJob", "name", "fraud-scoring")))
        .hasValue(1);
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.client().apps().deployments().inNamespace(NS).list().getItems())
                    .isEmpty());
  }

  @Test
  void theNamespaceLabelWinsOverTheSpecsRegion() {
    createFraudJob();
    awaitDeployment();
    // The job still says me-central-1, but its namespace is now labelled EU: the label wins.
    FraudJob.labelNamespaceRegion(cluster, "eu-west-1");
    await().untilAsserted(() -> assertThat(ready().reason()).isEqualTo("ResidencyViolation"));
    assertThat(ready().message())
        .startsWith(
            "spec.residency.region is me-central-1 but the namespace's label"
                + " tributary.io/residency is eu-west-1, and the label wins");
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.client().v1().events().inNamespace(NS).list().getItems())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo("ResidencyViolation");
                        }));
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.client().apps().deployments().inNamespace(NS).list().getItems())
                    .isEmpty());
  }

  @Test
  void anEditLettingPersonalDataReachTheSinkUnmaskedStopsTheWorkers() {
    createFraudJob();
    markAvailable(awaitDeployment(), 2);
    await().untilAsserted(() -> assertThat(ready().status()).isEqualTo("True"));
    // The mask step goes: card_number and customer_email (pii: true) would reach the topic.
    editJob(
        j ->
            withTransforms(
                j, j.getSpec().transforms().stream().filter(t -> t.mask() == null).toList()));
    await().untilAsserted(() -> assertThat(ready().reason()).isEqualTo("UnmaskedPersonalData"));
    assertThat(ready().status()).isEqualTo("False");
    assertThat(ready().message())
        .isEqualTo(
            "spec.sink: fields card_number (personal) and customer_email (personal) reach the"
                + " kafka sink (topic payments.transactions.scored) unmasked: mask them (a mask"
                + " step) or drop them before the sink, or, if this sink may hold them, set"
                + " sink.allowClassified: [card_number, customer_email]");
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.client().apps().deployments().inNamespace(NS).list().getItems())
                    .isEmpty());
    await()
        .untilAsserted(
            () -> assertThat(eventReasons()).contains("UnmaskedPersonalData", "WorkersStopped"));
    assertThat(events())
        .filteredOn(e -> "UnmaskedPersonalData".equals(e.getReason()))
        .allSatisfy(e -> assertThat(e.getType()).isEqualTo("Warning"));
  }

  @Test
  void anEditJoiningAnotherNamespacesConsumerGroupStopsTheWorkers() {
    createFraudJob();
    markAvailable(awaitDeployment(), 2);
    await().untilAsserted(() -> assertThat(ready().status()).isEqualTo("True"));
    editJob(j -> withConsumerGroup(j, "tributary-risk-fraud-scoring"));
    await()
        .untilAsserted(
            () -> assertThat(ready().reason()).isEqualTo("ConsumerGroupOutsideNamespace"));
    assertThat(ready().status()).isEqualTo("False");
    assertThat(ready().message())
        .startsWith(
            "spec.source.kafka.consumerGroup: 'tributary-risk-fraud-scoring' is outside namespace "
                + NS
                + ": consumer groups here start with tributary-"
                + NS
                + "-;");
    // Running workers would read and commit the other namespace's offsets: they stop.
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.client().apps().deployments().inNamespace(NS).list().getItems())
                    .isEmpty());
    await()
        .untilAsserted(
            () ->
                assertThat(eventReasons())
                    .contains("ConsumerGroupOutsideNamespace", "WorkersStopped"));
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
            null,
            io.tributary.operator.api.StreamJobSpec.Autoscaling.between(1, 4)
                .withTargetLagPerReplica(1000L)
                .withScaleDownStabilization("1m"),
            s.checkpointInterval(),
            s.compute(),
            s.residency(),
            null,
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

  /**
   * Lag is read for all jobs of a cluster at once, on the lag source's own schedule; each refresh
   * reconciles the jobs that read from it. With a poll of an hour, only the refresh can make the
   * operator look again.
   */
  @Test
  void aRefreshedLagReadingIsActedOnAtOnceAndTheDecisionIsInStatus() {
    cluster.stopOperator();
    cluster.lag().pushRefreshes(true);
    cluster.startOperator(Map.of("TRIBUTARY_LAG_POLL_SECONDS", "3600"));
    cluster.lag().set(0, 6);
    createAutoscaledJob(
        io.tributary.operator.api.StreamJobSpec.Autoscaling.between(1, 4)
            .withTargetLagPerReplica(1000L));
    await().untilAsserted(() -> assertThat(status().autoscaler().reason()).isEqualTo("Steady"));
    assertThat(awaitDeployment().getSpec().getReplicas()).isEqualTo(1);

    cluster.lag().set(4500, 6);
    await().untilAsserted(() -> assertThat(awaitDeployment().getSpec().getReplicas()).isEqualTo(4));
    // Status remembers the scale-up; the reason is the latest decision's (ScaleUp, then Steady).
    await()
        .untilAsserted(
            () ->
                assertThat(status().autoscaler().lastScaleUp()).isEqualTo("2026-11-25T10:00:00Z"));
    assertThat(status().autoscaler().reason()).isIn("ScaleUp", "Steady");
    assertThat(status().autoscaler().message()).contains("lag 4500").contains("capped at 4");
    assertThat(status().lag()).isEqualTo(4500L);

    // The reader fails: the size is held, and status says why.
    cluster.lag().failing(true);
    await().untilAsserted(() -> assertThat(status().autoscaler().reason()).isEqualTo("NoReading"));
    assertThat(awaitDeployment().getSpec().getReplicas()).isEqualTo(4);
    assertThat(status().lag()).isNull();
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
    createAutoscaledJob(
        io.tributary.operator.api.StreamJobSpec.Autoscaling.between(1, 4)
            .withTargetLagPerReplica(1000L)
            .withScaleDownStabilization("1m"));
    await().untilAsserted(() -> assertThat(status().desiredReplicas()).isEqualTo(2));
    assertThat(status().autoscaler().recommendations()).hasSize(1);
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
        io.tributary.operator.api.StreamJobSpec.Autoscaling.between(1, 4)
            .withTargetLagPerReplica(1000L)
            .withScaleDownStabilization("10m"));
    await().untilAsserted(() -> assertThat(status().autoscaler().recommendations()).isNotEmpty());
    assertThat(awaitDeployment().getSpec().getReplicas()).isEqualTo(4);
    cluster.stopOperator();
    // The lag is gone, but within the stabilization window the job keeps its workers: a
    // restarted operator remembers the recommendation of 4 from status, not from memory.
    cluster.lag().set(0, 6);
    int reads = cluster.lag().reads();
    cluster.startOperator();
    await().until(() -> cluster.lag().reads() >= reads + 3);
    assertThat(awaitDeployment().getSpec().getReplicas()).isEqualTo(4);
    assertThat(status().autoscaler().recommendations())
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
            null, // the schema refuses spec.replicas beside autoscaling
            a,
            s.checkpointInterval(),
            s.compute(),
            s.residency(),
            null,
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
    return FraudJob.awaitDeployment(cluster);
  }

  private void markAvailable(Deployment d, int replicas) {
    FraudJob.markAvailable(cluster, d, replicas);
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> T get(
      Class<T> type, String name) {
    return cluster.client().resources(type).inNamespace(NS).withName(name).get();
  }

  private StreamJob job() {
    return FraudJob.get(cluster);
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
    return FraudJob.respec(j, p -> p.replicas = replicas);
  }

  private static StreamJob withSuspend(StreamJob j) {
    return FraudJob.respec(j, p -> p.suspend = true);
  }

  private static StreamJob withoutResidency(StreamJob j) {
    return FraudJob.respec(j, p -> p.residency = null);
  }

  private static StreamJob withConsumerGroup(StreamJob j, String group) {
    return FraudJob.respec(
        j,
        p ->
            p.source =
                io.tributary.pipeline.SourceSpec.of(p.source.kafka().withConsumerGroup(group))
                    .inRegion(p.source.region()));
  }

  private static StreamJob withTransforms(
      StreamJob j, List<io.tributary.pipeline.TransformSpec> transforms) {
    return FraudJob.respec(j, p -> p.transforms = transforms);
  }
}

package io.tributary.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.DataPipelineSpec;
import io.tributary.operator.api.DataPipelineStatus;
import io.tributary.operator.api.PipelinePhase;
import io.tributary.operator.api.RunFailure;
import io.tributary.operator.api.RunPhase;
import io.tributary.operator.api.RunRecord;
import io.tributary.operator.schedule.RunIds;
import io.tributary.operator.testing.MockCluster;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The DataPipeline reconciler against the Fabric8 mock API server. The mock has no Job controller
 * and no kubelet: the tests finish Jobs by writing their status and the pod's termination message,
 * and stand in for the requeue timer by touching the pipeline after moving the fake clock.
 */
class DataPipelineReconcilerTest extends DataPipelineTestBase {
  @Test
  void createStartsTheFirstRunWithItsPlanBothOwnedByThePipeline() {
    DataPipeline p = create("orders", "");
    Job job = awaitJob("orders-g1-1");
    ConfigMap plan =
        cluster.client().configMaps().inNamespace(NS).withName("orders-g1-1-plan").get();
    assertThat(plan.getData()).containsKey("plan.json");
    String uid = p.getMetadata().getUid();
    for (var o : List.of(plan, job)) {
      assertThat(o.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.getUid()).isEqualTo(uid);
                assertThat(r.getKind()).isEqualTo("DataPipeline");
                assertThat(r.getController()).isTrue();
              });
    }
    // The run is in the attempt's own plan, not in environment variables.
    assertThat(runPlan(job).run()).isEqualTo(new WorkerPlan.Run("g1", 1, null));
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .noneMatch(e -> e.getName().startsWith("TRIBUTARY_"));
    assertThat(job.getSpec().getTemplate().getSpec().getNodeSelector())
        .containsEntry("tributary.io/pool", "cpu-standard");
    // Created is not running: until its pod runs, the run is Pending.
    await()
        .untilAsserted(() -> assertThat(status("orders").phase()).isEqualTo(PipelinePhase.PENDING));
    assertThat(reason("orders", "Ready")).isEqualTo("False/RunPending");
    assertThat(reason("orders", "Progressing")).isEqualTo("True/RunPending");
    awaitEvent("RunStarted", "Normal");
    podRuns(job);
    await()
        .untilAsserted(() -> assertThat(status("orders").phase()).isEqualTo(PipelinePhase.RUNNING));
    assertThat(reason("orders", "Ready")).isEqualTo("False/RunInProgress");
    assertThat(reason("orders", "Progressing")).isEqualTo("True/RunActive");
    // Started once: the reconciles that follow (our own status write, the Job's informer event)
    // find the run and do not announce it again.
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(
            () ->
                assertThat(
                        cluster.client().v1().events().inNamespace(NS).list().getItems().stream()
                            .filter(e -> "RunStarted".equals(e.getReason())))
                    .hasSize(1));
    // The spec was admitted once, as an Event (and a structured log line, docs/crds.md).
    assertThat(
            cluster.client().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "Admitted".equals(e.getReason())))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .isEqualTo(
                        "generation 1 passed the pool, residency, personal-data and plan checks"));
  }

  @Test
  void aRunWhosePodCannotBeScheduledIsPendingWithTheSchedulersMessage() {
    create("orders", "");
    Job job = awaitJob("orders-g1-1");
    String scheduler =
        "0/8 nodes are available: 1 Insufficient cpu, 7 node(s) had untolerated taint"
            + " {kwok.x-k8s.io/node: fake}.";
    podUnschedulable(job, scheduler);
    await()
        .untilAsserted(
            () -> assertThat(reason("orders", "Progressing")).isEqualTo("True/Unschedulable"));
    DataPipelineStatus s = status("orders");
    assertThat(s.phase()).isEqualTo(PipelinePhase.PENDING);
    assertThat(s.lastRun().phase()).isEqualTo(RunPhase.PENDING);
    assertThat(s.lastRun().message()).isEqualTo(scheduler);
    assertThat(condition("orders", "Progressing").message()).contains(scheduler);
    assertThat(reason("orders", "Ready")).isEqualTo("False/Unschedulable");

    podRuns(job);
    await()
        .untilAsserted(() -> assertThat(status("orders").phase()).isEqualTo(PipelinePhase.RUNNING));
    assertThat(status("orders").lastRun().message()).isNull();
  }

  @Test
  void aSucceededRunIsReportedWithItsCountsAndFeedsTheWatermarkToTheNextRun() {
    create("orders", "");
    succeed(awaitJob("orders-g1-1"), 1200, 1190, "2026-11-25T10:00:00Z");
    await()
        .untilAsserted(() -> assertThat(reason("orders", "Ready")).isEqualTo("True/RunSucceeded"));
    DataPipelineStatus s = status("orders");
    assertThat(s.phase()).isEqualTo(PipelinePhase.SUCCEEDED);
    RunRecord last = s.lastRun();
    assertThat(last.id()).isEqualTo("g1");
    assertThat(last.recordsRead()).isEqualTo(1200);
    assertThat(last.recordsWritten()).isEqualTo(1190);
    assertThat(last.recordsRejected()).isEqualTo(10);
    assertThat(s.lastSuccessfulRun().id()).isEqualTo("g1");
    assertThat(s.watermark()).isEqualTo("2026-11-25T10:00:00Z");
    assertThat(s.observedGeneration()).isEqualTo(pipeline("orders").getMetadata().getGeneration());
    awaitEvent("RunSucceeded", "Normal");

    // A spec change starts the next generation's run, which resumes from the watermark.
    edit("orders", p -> p.getMetadata().setLabels(Map.of("team", "growth")));
    editSpec("orders", "historyLimit: 5");
    Job next = awaitJob("orders-g" + pipeline("orders").getMetadata().getGeneration() + "-1");
    assertThat(runPlan(next).run().watermark()).isEqualTo("2026-11-25T10:00:00Z");
  }

  @Test
  void aRetryableFailureBacksOffThenStartsAttemptTwo() {
    create("orders", "");
    fail(awaitJob("orders-g1-1"), 75, RunSummary.RETRYABLE, "source database unreachable");
    Instant failedAt = clock.instant();
    await()
        .untilAsserted(
            () -> assertThat(status("orders").phase()).isEqualTo(PipelinePhase.BACKING_OFF));
    RunRecord run = status("orders").lastRun();
    assertThat(run.failure()).isEqualTo(RunFailure.RETRYABLE);
    assertThat(run.message()).isEqualTo("source database unreachable");
    assertThat(run.retryAt()).isEqualTo(failedAt.plusSeconds(30).toString());
    assertThat(job("orders-g1-2")).isNull();

    clock.advance(Duration.ofSeconds(30));
    poke("orders");
    Job retry = awaitJob("orders-g1-2");
    assertThat(runPlan(retry).run().attempt()).isEqualTo(2);
    await().untilAsserted(() -> assertThat(status("orders").lastRun().attempt()).isEqualTo(2));
    awaitEvent("RunFailed", "Warning");
    awaitEvent("RetryStarted", "Normal");
  }

  @Test
  void aPermanentFailureIsNotRetriedAndDegradesThePipeline() {
    create("orders", "");
    fail(awaitJob("orders-g1-1"), 65, RunSummary.PERMANENT, "42% of records rejected");
    await()
        .untilAsserted(() -> assertThat(status("orders").phase()).isEqualTo(PipelinePhase.FAILED));
    assertThat(reason("orders", "Degraded")).isEqualTo("True/RetriesExhausted");
    assertThat(condition("orders", "Degraded").message())
        .contains("permanently", "42% of records rejected");
    assertThat(reason("orders", "Ready")).isEqualTo("False/RunFailed");
    awaitEvent("RunFailed", "Warning");
    clock.advance(Duration.ofHours(1));
    poke("orders");
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(() -> assertThat(jobs()).containsExactly("orders-g1-1"));
  }

  @Test
  void aScheduledPipelineRunsAtItsCronTime() {
    Instant nextHour = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    create("hourly", "schedule: {cron: '0 * * * *'}");
    await()
        .untilAsserted(
            () -> assertThat(status("hourly").nextRunTime()).isEqualTo(nextHour.toString()));
    assertThat(reason("hourly", "Ready")).isEqualTo("False/Scheduled");
    assertThat(jobs()).isEmpty();
    clock.set(nextHour);
    poke("hourly");
    Job job = awaitJob("hourly-" + RunIds.schedule(nextHour) + "-1");
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry("tributary.io/trigger", "schedule");
    await()
        .untilAsserted(
            () ->
                assertThat(status("hourly").nextRunTime())
                    .isEqualTo(nextHour.plus(Duration.ofHours(1)).toString()));
  }

  @Test
  void theRunNowAnnotationStartsOneRunPerValue() {
    create("hourly", "schedule: {cron: '0 * * * *'}");
    await().untilAsserted(() -> assertThat(status("hourly")).isNotNull());
    edit(
        "hourly", p -> p.getMetadata().setAnnotations(Map.of("tributary.io/run-now", "ticket-42")));
    Job job = awaitJob("hourly-" + RunIds.runNow("ticket-42") + "-1");
    assertThat(job.getMetadata().getAnnotations()).containsEntry("tributary.io/trigger", "runNow");
    await().untilAsserted(() -> assertThat(status("hourly").lastRunNow()).isEqualTo("ticket-42"));
    poke("hourly");
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(() -> assertThat(jobs()).hasSize(1));
  }

  @Test
  void aDependsOnChainRunsEachDownstreamAfterItsUpstreamSucceeds() {
    create("raw", "");
    create("clean", "dependsOn: [{name: raw}]");
    create("features", "dependsOn: [{name: clean}]");
    Job raw = awaitJob("raw-g1-1");
    await()
        .untilAsserted(
            () -> assertThat(reason("clean", "Ready")).isEqualTo("False/WaitingForUpstream"));
    assertThat(status("clean").phase()).isEqualTo(PipelinePhase.WAITING);
    assertThat(jobs()).containsExactly("raw-g1-1");

    succeed(raw, 10, 10, null);
    // No poke: the upstream's status change reconciles its downstream.
    String cleanRun = RunIds.dependsOn(new java.util.TreeMap<>(Map.of("raw", "g1")));
    Job clean = awaitJob("clean-" + cleanRun + "-1");
    assertThat(clean.getMetadata().getAnnotations())
        .containsEntry("tributary.io/trigger", "dependsOn")
        .containsEntry("tributary.io/upstream-runs", "raw=g1");
    assertThat(jobs())
        .doesNotContain(
            "features-"
                + RunIds.dependsOn(new java.util.TreeMap<>(Map.of("clean", cleanRun)))
                + "-1");

    succeed(clean, 10, 10, null);
    awaitJob(
        "features-" + RunIds.dependsOn(new java.util.TreeMap<>(Map.of("clean", cleanRun))) + "-1");
    await()
        .untilAsserted(
            () -> assertThat(status("clean").lastRun().upstreamRuns()).isEqualTo("raw=g1"));
    // Once per upstream success: clean does not run again for the same raw run.
    poke("clean");
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(
            () -> assertThat(jobs().stream().filter(j -> j.startsWith("clean-"))).hasSize(1));
  }

  @Test
  void forbidSkipsTheDueRunWhileOneIsActive() {
    create("minutely", "schedule: {cron: '* * * * *'}");
    Instant first = nextMinuteAfterCreation("minutely");
    clock.set(first);
    poke("minutely");
    awaitJob("minutely-" + RunIds.schedule(first) + "-1");
    Instant second = first.plusSeconds(60);
    clock.set(second);
    poke("minutely");
    await()
        .untilAsserted(
            () ->
                assertThat(status("minutely").runs())
                    .anySatisfy(
                        r -> {
                          assertThat(r.id()).isEqualTo(RunIds.schedule(second));
                          assertThat(r.phase()).isEqualTo(RunPhase.SKIPPED);
                        }));
    assertThat(jobs()).containsExactly("minutely-" + RunIds.schedule(first) + "-1");
    awaitEvent("RunSkipped", "Warning");
  }

  @Test
  void replaceStopsTheActiveRunAndStartsTheDueOne() {
    create("minutely", "schedule: {cron: '* * * * *'}\n  concurrencyPolicy: Replace");
    Instant first = nextMinuteAfterCreation("minutely");
    clock.set(first);
    poke("minutely");
    awaitJob("minutely-" + RunIds.schedule(first) + "-1");
    Instant second = first.plusSeconds(60);
    clock.set(second);
    poke("minutely");
    String secondJob = "minutely-" + RunIds.schedule(second) + "-1";
    awaitJob(secondJob);
    await().untilAsserted(() -> assertThat(jobs()).containsExactly(secondJob));
    await()
        .untilAsserted(
            () ->
                assertThat(status("minutely").runs())
                    .anySatisfy(
                        r -> {
                          assertThat(r.id()).isEqualTo(RunIds.schedule(first));
                          assertThat(r.failure()).isEqualTo(RunFailure.REPLACED);
                        }));
  }

  @Test
  void aSuspendedPipelineStartsNothing() {
    create("hourly", "schedule: {cron: '0 * * * *'}\n  suspend: true");
    await()
        .untilAsserted(
            () -> assertThat(status("hourly").phase()).isEqualTo(PipelinePhase.SUSPENDED));
    assertThat(reason("hourly", "Ready")).isEqualTo("False/Suspended");
    assertThat(status("hourly").nextRunTime()).isNull();
    clock.set(clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1)));
    poke("hourly");
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(() -> assertThat(jobs()).isEmpty());
  }

  @Test
  void anUnknownPoolIsReportedWithoutJobsOrRetries() {
    create("orders", "compute: {pool: no-such-pool}", false);
    expectInvalid("orders", "UnknownPool", "spec.compute.pool");
  }

  @Test
  void aPoolOutsideThePipelinesRegionIsAResidencyViolation() {
    create("orders", "residency: {region: eu-west-1}");
    expectInvalid(
        "orders", "ResidencyViolation", "spec.compute.pool cpu-standard is in me-central-1");
  }

  @Test
  void aNamespaceMovedToAnotherRegionStopsTheActiveRun() {
    create("orders", "");
    awaitJob("orders-g1-1");
    // The namespace now says its data is EU data; the pool is in me-central-1.
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
    await()
        .untilAsserted(
            () -> assertThat(reason("orders", "Ready")).isEqualTo("False/ResidencyViolation"));
    await().untilAsserted(() -> assertThat(jobs()).isEmpty());
    awaitEvent("ResidencyViolation", "Warning");
  }

  @Test
  void aPersonalFieldReachingTheSinkUnmaskedIsRefused() {
    create(
        "orders",
        "schema: {fields: [{name: id, type: integer},"
            + " {name: email, type: string, classification: personal}]}");
    expectInvalid(
        "orders",
        "UnmaskedPersonalData",
        "spec.sink: field email (personal) reaches the lake sink /lake/curated/orders unmasked:"
            + " mask it (a mask step) or drop it before the sink, or, if this sink may hold it, set"
            + " sink.allowClassified: [email]");
  }

  @Test
  void classifyingAFieldStopsTheActiveRunUntilTheFieldIsMasked() {
    create("orders", "");
    awaitJob("orders-g1-1");
    editSpec("orders", "schema: {fields: [{name: email, type: string, pii: true}]}");
    await()
        .untilAsserted(
            () -> assertThat(reason("orders", "Ready")).isEqualTo("False/UnmaskedPersonalData"));
    await().untilAsserted(() -> assertThat(jobs()).isEmpty());
    awaitEvent("UnmaskedPersonalData", "Warning");
    assertThat(status("orders").phase()).isEqualTo(PipelinePhase.INVALID);

    editSpec("orders", "transforms: [{mask: {fields: [{field: email, method: redact}]}}]");
    // The stopped run's Job is gone: once it counts as lost, the run is retried under the fixed
    // spec, whose plan masks the field.
    clock.advance(Duration.ofMinutes(2));
    poke("orders");
    await().untilAsserted(() -> assertThat(status("orders").lastRun().retryAt()).isNotNull());
    clock.set(Instant.parse(status("orders").lastRun().retryAt()));
    poke("orders");
    Job retry = awaitJob("orders-g1-2");
    assertThat(runPlan(retry).transforms()).extracting(t -> t.kind()).containsExactly("mask");
  }

  @Test
  void allowingTheSinkToHoldTheFieldLetsARefusedPipelineRun() {
    create("orders", "schema: {fields: [{name: email, type: string, classification: personal}]}");
    await()
        .untilAsserted(
            () -> assertThat(reason("orders", "Ready")).isEqualTo("False/UnmaskedPersonalData"));
    edit(
        "orders",
        p ->
            p.setSpec(
                DataPipelineSpec.builder()
                    .source(p.getSpec().source())
                    .sink(p.getSpec().sink().allowingClassified(List.of("email")))
                    .schema(p.getSpec().schema())
                    .compute(p.getSpec().compute())
                    .build()));
    awaitJob("orders-g" + pipeline("orders").getMetadata().getGeneration() + "-1");
  }

  @Test
  void aDependencyCycleIsReported() {
    create("left", "dependsOn: [{name: right}]");
    create("right", "dependsOn: [{name: left}]");
    expectInvalid("left", "DependencyCycle", "left -> right -> left");
    expectInvalid("right", "DependencyCycle", "right -> left -> right");
  }

  @Test
  void aBadCelExpressionIsReported() {
    create("orders", "transforms: [{filter: {expression: 'amount >'}}]");
    expectInvalid("orders", "InvalidExpression", "spec.transforms[0].filter.expression");
  }

  @Test
  void aBadCronIsReported() {
    create("orders", "schedule: {cron: '0 25 * * *'}");
    expectInvalid("orders", "InvalidSpec", "spec.schedule.cron");
  }

  @Test
  void aResyncWithNothingChangedMakesNoWriteCalls() {
    settledPipeline("orders");
    cluster.stopOperator();
    cluster.drainRequests();
    cluster.startOperator();
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.reconcilesDone("DataPipeline") >= 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(6))
        .untilAsserted(() -> assertThat(MockCluster.writes(cluster.drainRequests())).isEmpty());
  }

  @Test
  void aReconcileOfAnIdlePipelineReadsOnlyCachesAndWritesNothing() {
    settledPipeline("orders");
    long before = cluster.reconcilesDone("DataPipeline");
    cluster.drainRequests();
    // Any change of the pipeline reconciles it; a label changes nothing the operator acts on.
    poke("orders");
    await().until(() -> cluster.reconcilesDone("DataPipeline") > before);
    List<String> requests = cluster.drainRequests();
    String self = "/apis/tributary.io/v1alpha1/namespaces/" + NS + "/datapipelines/orders";
    // Only the test's own read and write of the pipeline: no status write, no plan, Job or pod
    // read (the informers' watches were open before and are not requests).
    assertThat(requests).containsOnly("GET " + self, "PATCH " + self);
  }

  /** A pipeline whose run succeeded, with the status writes that followed settled. */
  private void settledPipeline(String name) {
    create(name, "");
    succeed(awaitJob(name + "-g1-1"), 5, 5, null);
    await().untilAsserted(() -> assertThat(reason(name, "Ready")).isEqualTo("True/RunSucceeded"));
    cluster.drainRequests();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(MockCluster.writes(cluster.drainRequests())).isEmpty());
  }
}

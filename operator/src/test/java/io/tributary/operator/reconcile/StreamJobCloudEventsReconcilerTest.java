package io.tributary.operator.reconcile;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.render.WorkerPod;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.testing.MockCluster;
import io.tributary.operator.testing.TestingCloudEventPublisher.Published;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The StreamJob reconciler hands the CloudEvents of its transitions (rolled out, scaled, halted) to
 * the sender, with the destination the plan compiler resolved, against the mock API server.
 */
class StreamJobCloudEventsReconcilerTest {
  private static final String NS = "payments";
  private static final String HOOK = "http://el-retrain.argo-events:12000/fresh";
  private static final ObjectMapper JSON = new ObjectMapper();
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
  void aRolloutAScaleAndAHaltAreHandedToTheSender() throws Exception {
    createJob(EventsSpec.http(HOOK));
    Deployment deployment = awaitDeployment();
    // A rollout is announced when it ends: the status must have seen it going on first.
    await().until(() -> progressing() != null && "Deploying".equals(progressing().reason()));
    markAvailable(deployment, 2);

    await().until(() -> cluster.cloudEvents().types("fraud-scoring").size() == 1);
    Published rolledOut = cluster.cloudEvents().published().get(0);
    assertThat(rolledOut.event().getType()).isEqualTo("io.tributary.streamjob.rolledout");
    // The destination as the plan compiler resolved it: every default applied.
    assertThat(rolledOut.destination())
        .isEqualTo(new EventsSpec(null, new EventsSpec.Http(HOOK, "5s", 3)));
    assertThat(rolledOut.event().getSource().toString())
        .isEqualTo("/namespaces/payments/streamjobs/fraud-scoring");
    assertThat(data(rolledOut).at("/replicas/ready").asInt()).isEqualTo(2);

    editJob(j -> withReplicas(j, 4));
    await().until(() -> cluster.cloudEvents().types("fraud-scoring").size() == 2);
    Published scaled = cluster.cloudEvents().published().get(1);
    assertThat(scaled.event().getType()).isEqualTo("io.tributary.streamjob.scaled");
    assertThat(data(scaled).at("/replicas/from").asInt()).isEqualTo(2);
    assertThat(data(scaled).at("/replicas/to").asInt()).isEqualTo(4);
    assertThat(data(scaled).at("/message").asText()).startsWith("from 2 to 4 workers");

    haltedWorker(awaitDeployment(), "payments.transactions/4@88123");
    await()
        .until(
            () ->
                cluster
                    .cloudEvents()
                    .types("fraud-scoring")
                    .contains("io.tributary.streamjob.halted"));
    Published halted =
        cluster.cloudEvents().published().stream()
            .filter(p -> p.event().getType().equals("io.tributary.streamjob.halted"))
            .findFirst()
            .orElseThrow();
    assertThat(data(halted).at("/halt/position").asText())
        .isEqualTo("payments.transactions/4@88123");
    assertThat(halted.event().getSubject()).isEqualTo("payments.transactions.scored");
  }

  @Test
  void aJobWithoutEventsHandsOverNothing() {
    createJob(null);
    markAvailable(awaitDeployment(), 2);
    await().until(() -> ready() != null && "True".equals(ready().status()));
    editJob(j -> withReplicas(j, 3));
    await().until(() -> awaitDeployment().getSpec().getReplicas() == 3);
    assertThat(cluster.cloudEvents().published()).isEmpty();
  }

  @Test
  void aDestinationTheCompilerRefusesIsReportedInItsWordsAndNothingIsSent() {
    createJob(new EventsSpec(null, new EventsSpec.Http("el-retrain:12000/fresh", null, null)));
    await().until(() -> ready() != null && "False".equals(ready().status()));
    assertThat(ready().message())
        .contains(
            "spec.events.http.url: 'el-retrain:12000/fresh' is not an absolute http or https URL");
    assertThat(cluster.cloudEvents().published()).isEmpty();
  }

  private static JsonNode data(Published p) throws Exception {
    return JSON.readTree(p.event().getData().toBytes());
  }

  private void createJob(EventsSpec events) {
    StreamJob job = fixture("fraud-streamjob.yaml", StreamJob.class);
    job.getMetadata().setUid(null);
    job.getMetadata().setGeneration(null);
    job.setSpec(job.getSpec().withEvents(events));
    cluster.client().resource(job).create();
  }

  private void editJob(UnaryOperator<StreamJob> edit) {
    await()
        .ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () -> {
              cluster.client().resource(job()).edit(edit);
              return true;
            });
  }

  private static StreamJob withReplicas(StreamJob j, int replicas) {
    return FraudJob.respec(j, p -> p.replicas = replicas);
  }

  /** A worker of the current plan that exited 65 on the record at {@code position}. */
  private void haltedWorker(Deployment d, String position) {
    var halt =
        new RunSummary.Halt(
            position.substring(0, position.indexOf('/')),
            Integer.parseInt(position.substring(position.indexOf('/') + 1, position.indexOf('@'))),
            Long.parseLong(position.substring(position.indexOf('@') + 1)),
            "transforms[0] (validate-0)",
            "amount: string found, number expected");
    String summary =
        PlanJson.write(
                new RunSummary(
                        null,
                        RunSummary.FAILED,
                        RunSummary.PERMANENT,
                        "halted",
                        10,
                        9,
                        0,
                        1,
                        null,
                        List.of())
                    .withHalt(halt))
            .trim();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("fraud-scoring-worker-0")
            .withNamespace(NS)
            .withLabels(
                Map.of(
                    "tributary.io/kind", "streamjob",
                    "tributary.io/pipeline", "fraud-scoring",
                    "app.kubernetes.io/managed-by", "tributary-operator"))
            .withAnnotations(
                Map.of(
                    WorkerPod.PLAN_ANNOTATION,
                    d.getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get(WorkerPod.PLAN_ANNOTATION)))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("worker")
            .withImage("tributary/runtime:dev")
            .endContainer()
            .endSpec()
            .build();
    Pod created = cluster.client().resource(pod).create();
    created.setStatus(
        new PodStatusBuilder()
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("worker")
                    .withReady(false)
                    .withRestartCount(0)
                    .withState(
                        new ContainerStateBuilder()
                            .withNewTerminated()
                            .withExitCode(65)
                            .withMessage(summary)
                            .withFinishedAt("2026-11-25T10:00:00Z")
                            .endTerminated()
                            .build())
                    .build())
            .build());
    cluster.client().resource(created).updateStatus();
  }

  private Deployment awaitDeployment() {
    return FraudJob.awaitDeployment(cluster);
  }

  private void markAvailable(Deployment d, int replicas) {
    FraudJob.markAvailable(cluster, d, replicas);
  }

  private StreamJob job() {
    return FraudJob.get(cluster);
  }

  private Condition progressing() {
    StreamJob j = job();
    return j.getStatus() == null
        ? null
        : Conditions.find(j.getStatus().conditions(), Conditions.PROGRESSING);
  }

  private Condition ready() {
    StreamJob j = job();
    return j.getStatus() == null ? null : Conditions.find(j.getStatus().conditions(), "Ready");
  }
}

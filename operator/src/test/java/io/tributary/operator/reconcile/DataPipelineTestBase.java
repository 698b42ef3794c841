package io.tributary.operator.reconcile;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.DataPipelineStatus;
import io.tributary.operator.api.PipelinePhase;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.testing.MockCluster;
import io.tributary.operator.testing.MutableClock;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A mock API server in CRUD mode with the operator running, a namespace and a CPU pool, and the
 * moves a test makes on it: create and edit pipelines like a user, finish Jobs like the Job
 * controller and the kubelet would, and read back what the operator wrote.
 */
abstract class DataPipelineTestBase {
  static final String NS = "analytics";
  // The mock server stamps creationTimestamp with the real time, and a new pipeline never catches
  // up schedule times from before it existed: the fake clock starts at the real time, then moves
  // only when a test moves it.
  final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final AtomicInteger pokes = new AtomicInteger();
  MockCluster cluster;

  @BeforeEach
  void start() {
    cluster = new MockCluster(clock);
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

  void expectInvalid(String name, String reason, String field) {
    await().untilAsserted(() -> assertThat(reason(name, "Ready")).isEqualTo("False/" + reason));
    assertThat(condition(name, "Ready").message()).contains(field);
    assertThat(status(name).phase()).isEqualTo(PipelinePhase.INVALID);
    awaitEvent(reason, "Warning");
    assertThat(jobs()).isEmpty();
    // No retry storm: the status write settles and nothing more is written.
    cluster.drainRequests();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(6))
        .untilAsserted(() -> assertThat(MockCluster.writes(cluster.drainRequests())).isEmpty());
  }

  DataPipeline create(String name, String extraSpec) {
    return create(name, extraSpec, true);
  }

  DataPipeline create(String name, String extraSpec, boolean withPool) {
    String yaml =
        String.join(
            "\n",
            "apiVersion: tributary.io/v1alpha1",
            "kind: DataPipeline",
            "metadata: {name: " + name + ", namespace: " + NS + "}",
            "spec:",
            "  source: {files: {path: /lake/raw/" + name + "/*.jsonl, format: jsonl}}",
            "  sink: {lake: {path: /lake/curated/" + name + ", format: parquet}}",
            withPool ? "  compute: {pool: cpu-standard}" : "",
            extraSpec.isEmpty() ? "" : "  " + extraSpec,
            "");
    return cluster.client().resource(Serialization.unmarshal(yaml, DataPipeline.class)).create();
  }

  void editSpec(String name, String extraSpec) {
    DataPipeline current = pipeline(name);
    String yaml = Serialization.asYaml(current.getSpec());
    String merged = yaml.replaceFirst("^---\\n", "") + extraSpec + "\n";
    var spec = Serialization.unmarshal(merged, io.tributary.operator.api.DataPipelineSpec.class);
    edit(name, p -> p.setSpec(spec));
  }

  /** Edits like a user; a conflict with the operator's status write is retried. */
  void edit(String name, java.util.function.Consumer<DataPipeline> change) {
    await()
        .ignoreException(KubernetesClientException.class)
        .until(
            () -> {
              cluster
                  .client()
                  .resources(DataPipeline.class)
                  .inNamespace(NS)
                  .withName(name)
                  .edit(
                      p -> {
                        change.accept(p);
                        return p;
                      });
              return true;
            });
  }

  /** Stands in for the requeue timer: any change of the pipeline reconciles it. */
  void poke(String name) {
    int n = pokes.incrementAndGet();
    edit(
        name,
        p -> {
          var labels = new java.util.HashMap<String, String>();
          if (p.getMetadata().getLabels() != null) labels.putAll(p.getMetadata().getLabels());
          labels.put("test.tributary.io/poke", String.valueOf(n));
          p.getMetadata().setLabels(labels);
        });
  }

  void succeed(Job job, long read, long written, String watermark) {
    finish(
        job,
        "Complete",
        0,
        new RunSummary(
            job.getMetadata().getLabels().get("tributary.io/run-id"),
            RunSummary.SUCCEEDED,
            null,
            "done",
            read,
            written,
            read - written,
            1000,
            watermark,
            List.of()));
  }

  void fail(Job job, int exit, String failure, String message) {
    finish(
        job,
        "Failed",
        exit,
        new RunSummary(
            job.getMetadata().getLabels().get("tributary.io/run-id"),
            RunSummary.FAILED,
            failure,
            message,
            10,
            0,
            0,
            1000,
            null,
            List.of()));
  }

  /** Plays the Job controller and the kubelet: the pod terminated, the Job finished. */
  void finish(Job job, String condition, int exit, RunSummary summary) {
    String now = clock.instant().toString();
    setPodStatus(
        job,
        new PodStatusBuilder()
            .withPhase(exit == 0 ? "Succeeded" : "Failed")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("worker")
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(exit)
                    .withMessage(PlanJson.write(summary))
                    .endTerminated()
                    .endState()
                    .build())
            .build());
    Job current = job(job.getMetadata().getName());
    current.setStatus(
        new JobStatusBuilder()
            .withStartTime(now)
            .withCompletionTime("Complete".equals(condition) ? now : null)
            .withSucceeded("Complete".equals(condition) ? 1 : 0)
            .withFailed("Failed".equals(condition) ? 1 : 0)
            .withConditions(
                new JobConditionBuilder()
                    .withType(condition)
                    .withStatus("True")
                    .withLastTransitionTime(now)
                    .build())
            .build());
    cluster.client().resource(current).updateStatus();
  }

  /**
   * Plays the kubelet and the Job controller for a worker killed from outside (out of memory, say):
   * it exits with {@code exit} and writes no run summary, and the Job fails.
   */
  void killed(Job job, int exit, String reason) {
    String now = clock.instant().toString();
    setPodStatus(
        job,
        new PodStatusBuilder()
            .withPhase("Failed")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("worker")
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(exit)
                    .withReason(reason)
                    .endTerminated()
                    .endState()
                    .build())
            .build());
    Job current = job(job.getMetadata().getName());
    current.setStatus(
        new JobStatusBuilder()
            .withStartTime(now)
            .withFailed(1)
            .withConditions(
                new JobConditionBuilder()
                    .withType("Failed")
                    .withStatus("True")
                    .withLastTransitionTime(now)
                    .build())
            .build());
    cluster.client().resource(current).updateStatus();
  }

  /** Plays the scheduler and the kubelet: the Job's pod is placed and its worker runs. */
  void podRuns(Job job) {
    setPodStatus(
        job,
        new PodStatusBuilder()
            .withPhase("Running")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("worker")
                    .withNewState()
                    .withNewRunning()
                    .withStartedAt(clock.instant().toString())
                    .endRunning()
                    .endState()
                    .build())
            .build());
  }

  /** Plays the scheduler: no node fits the Job's pod, and it says why on the pod. */
  void podUnschedulable(Job job, String message) {
    setPodStatus(
        job,
        new PodStatusBuilder()
            .withPhase("Pending")
            .withConditions(
                new PodConditionBuilder()
                    .withType("PodScheduled")
                    .withStatus("False")
                    .withReason("Unschedulable")
                    .withMessage(message)
                    .build())
            .build());
  }

  /** The Job's pod, made on first use the way the Job controller makes it (template labels). */
  private void setPodStatus(Job job, PodStatus status) {
    String name = job.getMetadata().getName() + "-pod";
    var pods = cluster.client().pods().inNamespace(NS);
    Pod pod = pods.withName(name).get();
    if (pod == null) {
      var labels = new java.util.HashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
      labels.put("job-name", job.getMetadata().getName());
      pod =
          pods.resource(
                  new PodBuilder()
                      .withNewMetadata()
                      .withName(name)
                      .withNamespace(NS)
                      .withLabels(labels)
                      .endMetadata()
                      .withSpec(job.getSpec().getTemplate().getSpec())
                      .build())
              .create();
    }
    pod.setStatus(status);
    pods.resource(pod).updateStatus();
  }

  void awaitEvent(String reason, String type) {
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.client().v1().events().inNamespace(NS).list().getItems())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo(reason);
                          assertThat(e.getType()).isEqualTo(type);
                        }));
  }

  Job awaitJob(String name) {
    await().untilAsserted(() -> assertThat(jobs()).contains(name));
    return job(name);
  }

  /** The first minute boundary after the mock server created the pipeline. */
  Instant nextMinuteAfterCreation(String name) {
    Instant created = Instant.parse(pipeline(name).getMetadata().getCreationTimestamp());
    Instant latest = created.isAfter(clock.instant()) ? created : clock.instant();
    return latest.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60);
  }

  Job job(String name) {
    return cluster.client().batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  List<String> jobs() {
    return cluster.client().batch().v1().jobs().inNamespace(NS).list().getItems().stream()
        .map(j -> j.getMetadata().getName())
        .sorted()
        .toList();
  }

  /** The plan the Job's pod mounts: the attempt's own plan ConfigMap. */
  io.tributary.pipeline.plan.WorkerPlan runPlan(Job job) {
    ConfigMap map =
        cluster
            .client()
            .configMaps()
            .inNamespace(NS)
            .withName(job.getMetadata().getName() + "-plan")
            .get();
    assertThat(map).as("plan ConfigMap of %s", job.getMetadata().getName()).isNotNull();
    try {
      return PlanJson.readPlan(map.getData().get("plan.json"));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  DataPipeline pipeline(String name) {
    return cluster.client().resources(DataPipeline.class).inNamespace(NS).withName(name).get();
  }

  DataPipelineStatus status(String name) {
    DataPipelineStatus s = pipeline(name).getStatus();
    assertThat(s).as("status of %s", name).isNotNull();
    return s;
  }

  Condition condition(String name, String type) {
    DataPipelineStatus s = status(name);
    Condition c = Conditions.find(s.conditions(), type);
    assertThat(c).as("%s condition of %s: %s", type, name, s).isNotNull();
    return c;
  }

  String reason(String name, String type) {
    Condition c = condition(name, type);
    return c.status() + "/" + c.reason();
  }
}

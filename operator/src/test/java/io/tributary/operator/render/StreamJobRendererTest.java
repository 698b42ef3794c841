package io.tributary.operator.render;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobStatus;
import io.tributary.operator.api.TransformSet;
import io.tributary.operator.api.TransformSetSpec;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.testing.Golden;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StreamJobRendererTest {
  private final OperatorConfig config = OperatorConfig.defaults();

  @Test
  void fraudScoringOnACpuPoolPinnedToItsRegion() {
    StreamJob job = fixture("fraud-streamjob.yaml", StreamJob.class);
    ComputePool pool = fixture("cpu-pool.yaml", ComputePool.class);
    List<HasMetadata> objects = render(job, 2, pool.getSpec(), Optional.of("me-central-1"), config);
    Golden.assertMatches("StreamJobRendererTest.fraudScoringOnACpuPoolPinnedToItsRegion", objects);
  }

  @Test
  void gpuWorkersRequestTheAcceleratorAndTolerateThePoolTaint() {
    StreamJob job = fixture("gpu-streamjob.yaml", StreamJob.class);
    ComputePool pool = fixture("gpu-pool.yaml", ComputePool.class);
    List<HasMetadata> objects = render(job, 1, pool.getSpec(), Optional.empty(), config);
    Golden.assertMatches(
        "StreamJobRendererTest.gpuWorkersRequestTheAcceleratorAndTolerateThePoolTaint", objects);
  }

  /**
   * Infer steps on a GPU pool: each model's volume (a ConfigMap key, a claim) is mounted read-only
   * under /etc/tributary/models/<step>/, and the plan says which execution provider each step runs
   * on (cuda by default on an NVIDIA pool, cpu where the spec says so).
   */
  @Test
  void inferStepsMountTheirModelsAndRunOnTheGpuOfTheirPool() {
    StreamJob job = fixture("infer-gpu-streamjob.yaml", StreamJob.class);
    ComputePool pool = fixture("gpu-pool.yaml", ComputePool.class);
    List<HasMetadata> objects = render(job, 1, pool.getSpec(), Optional.empty(), config);
    Golden.assertMatches(
        "StreamJobRendererTest.inferStepsMountTheirModelsAndRunOnTheGpuOfTheirPool", objects);
  }

  /**
   * Infer steps inside TransformSets: the remote one's model server is an address of the plan, so
   * the catalog's entry for it (model-servers) opens the workers' egress; the in-process one's
   * model is mounted under its inlined step name (local-scoring/score) on a volume whose name
   * Kubernetes accepts.
   */
  @Test
  void inferStepsOfTransformSetsReachTheirServerAndMountTheirModel() {
    StreamJob job = fixture("infer-remote-streamjob.yaml", StreamJob.class);
    ComputePool pool = fixture("cpu-pool.yaml", ComputePool.class);
    Map<String, TransformSetSpec> sets =
        Map.of(
            "fraud-scoring",
            fixture("scoring-transformset.yaml", TransformSet.class).getSpec(),
            "local-scoring",
            fixture("local-scoring-transformset.yaml", TransformSet.class).getSpec());
    List<HasMetadata> objects =
        render(job, sets, 1, pool.getSpec(), Optional.of("me-central-1"), config);
    Golden.assertMatches(
        "StreamJobRendererTest.inferStepsOfTransformSetsReachTheirServerAndMountTheirModel",
        objects);
  }

  /**
   * An Iceberg table sink: the plan carries the table and its catalog, the pod mounts the catalog's
   * Secret and the warehouse's claim, egress reaches the catalog, and the dead letters go to the
   * source's cluster.
   */
  @Test
  void anIcebergTableSinkMountsTheCatalogSecretAndTheWarehouseClaim() {
    StreamJob job = fixture("lake-streamjob.yaml", StreamJob.class);
    ComputePool pool = fixture("cpu-pool.yaml", ComputePool.class);
    List<HasMetadata> objects = render(job, 1, pool.getSpec(), Optional.empty(), config);
    Golden.assertMatches(
        "StreamJobRendererTest.anIcebergTableSinkMountsTheCatalogSecretAndTheWarehouseClaim",
        objects);
  }

  /**
   * A feature-store sink: the plan carries the Redis address and the password's file path, the pod
   * mounts the password's Secret, and the dead letters go to the source's cluster.
   */
  @Test
  void aFeatureStoreSinkMountsTheRedisPasswordSecret() {
    StreamJob job = fixture("features-streamjob.yaml", StreamJob.class);
    ComputePool pool = fixture("cpu-pool.yaml", ComputePool.class);
    List<HasMetadata> objects = render(job, 1, pool.getSpec(), Optional.empty(), config);
    Golden.assertMatches(
        "StreamJobRendererTest.aFeatureStoreSinkMountsTheRedisPasswordSecret", objects);
  }

  /**
   * An MQTT source: the plan carries the broker, the shared subscription and the Secret references
   * (never a value), and the pod mounts exactly the referenced keys of the login and TLS Secrets.
   */
  @Test
  void anMqttSourceMountsItsLoginAndTlsSecrets() {
    StreamJob job = fixture("mqtt-streamjob.yaml", StreamJob.class);
    ComputePool pool = fixture("cpu-pool.yaml", ComputePool.class);
    List<HasMetadata> objects = render(job, 2, pool.getSpec(), Optional.empty(), config);
    Golden.assertMatches("StreamJobRendererTest.anMqttSourceMountsItsLoginAndTlsSecrets", objects);
  }

  /**
   * What the operator sees of the same desired state changes all the time: a new resourceVersion
   * and generation, status written, fields managed, a kubectl annotation, a pool whose labels come
   * back in another order. None of it may change a byte of what is rendered, or every resync would
   * patch the children and a changed plan hash would roll every worker.
   */
  @Test
  void theSameDesiredStateSeenAtAnotherTimeRendersByteForByteTheSame() {
    StreamJob first = fixture("fraud-streamjob.yaml", StreamJob.class);
    ComputePoolSpec pool =
        pool(
            "tributary.io/pool: cpu-standard",
            "topology.kubernetes.io/region: me-central-1",
            "node.kubernetes.io/instance-type: m6i.2xlarge");
    ComputePoolSpec sameLabelsOtherOrder =
        pool(
            "node.kubernetes.io/instance-type: m6i.2xlarge",
            "topology.kubernetes.io/region: me-central-1",
            "tributary.io/pool: cpu-standard");
    assertThat(sameLabelsOtherOrder.nodeSelector()).isEqualTo(pool.nodeSelector());

    StreamJob later = fixture("fraud-streamjob.yaml", StreamJob.class);
    later.getMetadata().setResourceVersion("918273");
    later.getMetadata().setGeneration(9L);
    later.getMetadata().setCreationTimestamp("2026-11-24T02:00:00Z");
    later
        .getMetadata()
        .setAnnotations(
            Map.of("kubectl.kubernetes.io/last-applied-configuration", "{\"spec\":{}}"));
    later
        .getMetadata()
        .setManagedFields(
            List.of(
                new ManagedFieldsEntryBuilder()
                    .withManager("kubectl-client-side-apply")
                    .withOperation("Update")
                    .build()));
    later.setStatus(
        Serialization.unmarshal(
            "observedGeneration: 8\nconditions: [{type: Ready, status: 'True', reason: Running}]",
            StreamJobStatus.class));

    String before = yaml(render(first, 2, pool, Optional.of("me-central-1"), config));
    String after =
        yaml(render(later, 2, sameLabelsOtherOrder, Optional.of("me-central-1"), config));

    assertThat(after).isEqualTo(before);
  }

  /** The pool with its node selector in the order given. */
  private static ComputePoolSpec pool(String... selector) {
    StringBuilder labels = new StringBuilder();
    for (String label : selector) labels.append("    ").append(label).append('\n');
    return Serialization.unmarshal(
            """
            apiVersion: tributary.io/v1alpha1
            kind: ComputePool
            metadata: {name: cpu-standard}
            spec:
              region: me-central-1
              nodeSelector:
            %s  taints:
                - {key: dedicated, value: streaming, effect: NoSchedule}
            """
                .formatted(labels),
            ComputePool.class)
        .getSpec();
  }

  private static String yaml(List<HasMetadata> objects) {
    return objects.stream().map(Serialization::asYaml).collect(Collectors.joining());
  }

  @Test
  void scalingDoesNotChangeThePodTemplate() {
    StreamJob job = fixture("fraud-streamjob.yaml", StreamJob.class);
    Deployment two = deployment(render(job, 2, null, Optional.empty(), config));
    job.getMetadata().setGeneration(4L);
    Deployment five = deployment(render(job, 5, null, Optional.empty(), config));
    assertThat(five.getSpec().getTemplate()).isEqualTo(two.getSpec().getTemplate());
    assertThat(five.getSpec().getReplicas()).isEqualTo(5);
  }

  @Test
  void everyObjectIsOwnedByTheStreamJob() {
    StreamJob job = fixture("fraud-streamjob.yaml", StreamJob.class);
    for (HasMetadata o : render(job, 1, null, Optional.empty(), config)) {
      assertThat(o.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              ref -> {
                assertThat(ref.getUid()).isEqualTo(job.getMetadata().getUid());
                assertThat(ref.getController()).isTrue();
              });
    }
  }

  /**
   * Compiles the job's plan and resolves its addresses against the test catalog
   * (fixtures/data-endpoints.yaml), then renders, as the reconciler does.
   */
  private List<HasMetadata> render(
      StreamJob job,
      int replicas,
      io.tributary.operator.api.ComputePoolSpec pool,
      Optional<String> region,
      OperatorConfig config) {
    return render(job, Map.of(), replicas, pool, region, config);
  }

  private List<HasMetadata> render(
      StreamJob job,
      Map<String, TransformSetSpec> sets,
      int replicas,
      io.tributary.operator.api.ComputePoolSpec pool,
      Optional<String> region,
      OperatorConfig config) {
    var plan = PlanRenderer.stream(job, sets, config);
    var endpoints =
        io.tributary.operator.validate.SpecChecks.endpoints(
            Catalogs.fixture(),
            plan,
            new io.tributary.operator.policy.ResidencyPolicy.Residency(null, region.orElse(null)),
            job.getSpec(),
            sets);
    assertThat(endpoints.problem()).isEmpty();
    return StreamJobRenderer.render(
        job,
        plan.plan(),
        replicas,
        pool,
        region,
        config,
        NetworkPolicies.Egress.of(endpoints, config.dnsEgress()));
  }

  private static Deployment deployment(List<HasMetadata> objects) {
    return objects.stream()
        .filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .findFirst()
        .orElseThrow();
  }
}

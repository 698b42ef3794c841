package io.tributary.operator.reconcile;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.tributary.operator.api.ComputeSpec;
import io.tributary.operator.api.ResidencySpec;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.StreamJobSpec;
import io.tributary.operator.testing.MockCluster;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import java.util.List;
import java.util.function.Consumer;

/**
 * The fraud-scoring StreamJob of the fixtures on the mock cluster, as the StreamJob reconciler
 * tests drive it: read it back, wait for its Deployment, play the Deployment controller, edit its
 * spec.
 */
final class FraudJob {
  static final String NS = "payments";
  static final String NAME = "fraud-scoring";

  private FraudJob() {}

  /**
   * A mock cluster with the job's namespace and its pool, and the operator running, at a fixed
   * time.
   */
  static MockCluster startCluster() {
    MockCluster cluster =
        new MockCluster(
            java.time.Clock.fixed(
                java.time.Instant.parse("2026-11-25T10:00:00Z"), java.time.ZoneOffset.UTC));
    cluster
        .client()
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .endMetadata()
                .build())
        .create();
    cluster
        .client()
        .resource(
            io.tributary.operator.testing.Golden.fixture(
                "cpu-pool.yaml", io.tributary.operator.api.ComputePool.class))
        .create();
    return cluster.startOperator();
  }

  /** Labels the job's namespace as holding data of {@code region}. */
  static void labelNamespaceRegion(MockCluster cluster, String region) {
    cluster
        .client()
        .namespaces()
        .withName(NS)
        .edit(
            n ->
                new io.fabric8.kubernetes.api.model.NamespaceBuilder(n)
                    .editMetadata()
                    .addToLabels("tributary.io/residency", region)
                    .endMetadata()
                    .build());
  }

  static StreamJob get(MockCluster cluster) {
    return cluster.client().resources(StreamJob.class).inNamespace(NS).withName(NAME).get();
  }

  static Deployment awaitDeployment(MockCluster cluster) {
    return await()
        .until(
            () ->
                cluster
                    .client()
                    .apps()
                    .deployments()
                    .inNamespace(NS)
                    .withName(NAME + "-worker")
                    .get(),
            d -> d != null);
  }

  /** What the Deployment controller writes once {@code replicas} pods are available. */
  static void markAvailable(MockCluster cluster, Deployment d, int replicas) {
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

  /** The spec's parts, to change some and keep the rest. */
  static final class Parts {
    SourceSpec source;
    List<TransformSpec> transforms;
    SinkSpec sink;
    SchemaSpec schema;
    DeadLetterSpec deadLetter;
    Guarantee guarantee;
    Integer replicas;
    StreamJobSpec.Autoscaling autoscaling;
    String checkpointInterval;
    ComputeSpec compute;
    ResidencySpec residency;
    Boolean suspend;
    EventsSpec events;
  }

  /** {@code j} with its spec changed by {@code change}. */
  static StreamJob respec(StreamJob j, Consumer<Parts> change) {
    StreamJobSpec s = j.getSpec();
    Parts p = new Parts();
    p.source = s.source();
    p.transforms = s.transforms();
    p.sink = s.sink();
    p.schema = s.schema();
    p.deadLetter = s.deadLetter();
    p.guarantee = s.guarantee();
    p.replicas = s.replicas();
    p.autoscaling = s.autoscaling();
    p.checkpointInterval = s.checkpointInterval();
    p.compute = s.compute();
    p.residency = s.residency();
    p.suspend = s.suspend();
    p.events = s.events();
    change.accept(p);
    j.setSpec(
        new StreamJobSpec(
            p.source,
            p.transforms,
            p.sink,
            p.schema,
            p.deadLetter,
            p.guarantee,
            p.replicas,
            p.autoscaling,
            p.checkpointInterval,
            p.compute,
            p.residency,
            p.suspend,
            p.events));
    return j;
  }
}

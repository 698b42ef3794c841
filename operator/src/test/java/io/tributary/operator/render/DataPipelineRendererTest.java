package io.tributary.operator.render;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.testing.Golden;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.plan.PlanCompiler;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DataPipelineRendererTest {
  private final OperatorConfig config = OperatorConfig.defaults();

  @Test
  void scheduledRunOfCustomerFeatures() {
    DataPipeline p = fixture("customer-features.yaml", DataPipeline.class);
    ComputePool pool = fixture("cpu-pool.yaml", ComputePool.class);
    var run = new WorkerPlan.Run("s202611250200", 2, "2026-11-24T02:00:00Z");
    WorkerPlan plan = PlanRenderer.batch(p, config, run).plan();
    Job job =
        DataPipelineRenderer.job(
            p, plan, "schedule", pool.getSpec(), Optional.of("me-central-1"), config);
    Golden.assertMatches(
        "DataPipelineRendererTest.scheduledRunOfCustomerFeatures",
        List.of(
            DataPipelineRenderer.runPlanConfigMap(p, plan),
            DataPipelineRenderer.networkPolicy(p, config, Catalogs.egress(p, config)),
            job));
  }

  /** The catalog's Secret is mounted beside the source's; the plan names only its files. */
  @Test
  void runIntoAnIcebergTable() {
    DataPipeline p = fixture("orders-iceberg.yaml", DataPipeline.class);
    var run = new WorkerPlan.Run("s202611250300", 1, null);
    WorkerPlan plan = PlanRenderer.batch(p, config, run).plan();
    Job job = DataPipelineRenderer.job(p, plan, "schedule", null, Optional.empty(), config);
    Golden.assertMatches(
        "DataPipelineRendererTest.runIntoAnIcebergTable",
        List.of(DataPipelineRenderer.runPlanConfigMap(p, plan), job));
  }

  /**
   * Files read from a shared file system's claim (mounted read-only) into a Parquet dataset on an
   * S3-compatible store: the claim is a volume of the pod, the store's credentials are the only
   * keys of their Secret mounted, and the plan names the Secret keys, never their values.
   */
  @Test
  void filesFromAClaimIntoAnS3Lake() {
    DataPipeline p = fixture("orders-s3-from-share.yaml", DataPipeline.class);
    var run = new WorkerPlan.Run("s202611250400", 1, null);
    WorkerPlan plan = PlanRenderer.batch(p, config, run).plan();
    Job job = DataPipelineRenderer.job(p, plan, "schedule", null, Optional.empty(), config);
    Golden.assertMatches(
        "DataPipelineRendererTest.filesFromAClaimIntoAnS3Lake",
        List.of(DataPipelineRenderer.runPlanConfigMap(p, plan), job));
  }

  /** From objects on S3 (the AWS defaults: its region, virtual-hosted) to a lake on a claim. */
  @Test
  void objectsFromS3IntoALakeOnAClaim() {
    DataPipeline p = fixture("orders-to-share.yaml", DataPipeline.class);
    var run = new WorkerPlan.Run("s202611250500", 1, null);
    WorkerPlan plan = PlanRenderer.batch(p, config, run).plan();
    assertThat(plan.source().files().s3().region()).isEqualTo("us-east-1");
    assertThat(plan.source().files().s3().pathStyle()).isFalse();
    Job job = DataPipelineRenderer.job(p, plan, "schedule", null, Optional.empty(), config);
    Golden.assertMatches(
        "DataPipelineRendererTest.objectsFromS3IntoALakeOnAClaim",
        List.of(DataPipelineRenderer.runPlanConfigMap(p, plan), job));
  }

  /**
   * compute.parallelism 3: an Indexed Job of 4 indexes (3 parts, then the commit), each pod told
   * its index as {@code --part}; Kubernetes retries a failed index, not a permanent failure, and
   * fails the Job as soon as one index is out of retries. The plan says the run has 3 parts.
   */
  @Test
  void aRunSplitIntoThreePartsIsAnIndexedJob() {
    DataPipeline p = fixture("customers-in-parts.yaml", DataPipeline.class);
    var run = new WorkerPlan.Run("s202611250500", 1, null);
    PlanCompiler.Result compiled = PlanRenderer.batch(p, config, run);
    assertThat(compiled.problems()).isEmpty();
    WorkerPlan plan = compiled.plan();
    assertThat(plan.run().parts()).isEqualTo(3);
    Job job = DataPipelineRenderer.job(p, plan, "schedule", null, Optional.empty(), config);
    Golden.assertMatches(
        "DataPipelineRendererTest.aRunSplitIntoThreePartsIsAnIndexedJob",
        List.of(DataPipelineRenderer.runPlanConfigMap(p, plan), job));
  }

  @Test
  void eachAttemptHasItsOwnPlanWithTheRunAndTheDefaults() {
    DataPipeline p = fixture("customer-features.yaml", DataPipeline.class);
    var run = new WorkerPlan.Run("s202611250200", 2, "2026-11-24T02:00:00Z");
    WorkerPlan plan = PlanRenderer.batch(p, config, run).plan();
    assertThat(plan.run()).isEqualTo(run);
    assertThat(plan.deadLetter().path()).isEqualTo("/lake/curated/customer_features/_rejected");
    assertThat(plan.deadLetter().maxRejectedRatio()).isEqualTo(0.01);
    assertThat(plan.progressInterval()).isEqualTo("10s");
    ConfigMap map = DataPipelineRenderer.runPlanConfigMap(p, plan);
    Job job = DataPipelineRenderer.job(p, plan, "schedule", null, Optional.empty(), config);
    assertThat(map.getMetadata().getName())
        .isEqualTo(Names.runPlan(job.getMetadata().getName()))
        .isEqualTo(job.getMetadata().getName() + "-plan");
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(
            v ->
                assertThat(v.getConfigMap())
                    .isNotNull()
                    .extracting(c -> c.getName())
                    .isEqualTo(map.getMetadata().getName()));
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .noneMatch(e -> e.getName().startsWith("TRIBUTARY_"));
  }

  /**
   * A Job name is computed again on every reconcile, by every operator replica and version: it must
   * be the same string everywhere (a SHA-256, not a JVM hash), fit the 63-character limit, and
   * still tell attempts apart when the cut removes what differs.
   */
  @Test
  void jobNamesAreStableEverywhereAndFitKubernetesLimits() {
    String pipeline = "a-very-long-pipeline-name-that-keeps-going-and-going";
    String tenth = Names.job(pipeline, "s202611250200", 10);
    String eleventh = Names.job(pipeline, "s202611250200", 11);

    assertThat(tenth).isEqualTo("a-very-long-pipeline-name-that-keeps-going-and-going-s-22063d6c");
    assertThat(eleventh)
        .isEqualTo("a-very-long-pipeline-name-that-keeps-going-and-going-s-10626339");
    assertThat(List.of(tenth, eleventh))
        .allSatisfy(n -> assertThat(n).hasSize(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"));
    assertThat(Names.job("orders", "g3", 1)).isEqualTo("orders-g3-1");
  }
}

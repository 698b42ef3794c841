package io.tributary.operator.render;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.testing.Golden;
import io.tributary.pipeline.plan.WorkerPlan;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DataPipelineRendererTest {
  private final OperatorConfig config = OperatorConfig.defaults();

  @Test
  void scheduledRunOfCustomerFeatures() {
    DataPipeline p = fixture("customer-features.yaml", DataPipeline.class);
    ComputePool pool = fixture("cpu-pool.yaml", ComputePool.class);
    WorkerPlan plan = DataPipelineRenderer.plan(p, Optional.of("me-central-1"), config);
    Job job =
        DataPipelineRenderer.job(
            p,
            plan,
            "s202611250200",
            2,
            "schedule",
            "2026-11-24T02:00:00Z",
            pool.getSpec(),
            Optional.of("me-central-1"),
            config);
    Golden.assertMatches(
        "DataPipelineRendererTest.scheduledRunOfCustomerFeatures",
        List.of(DataPipelineRenderer.planConfigMap(p, plan), job));
  }

  @Test
  void planCarriesDefaultsAndNoRunSpecificValues() {
    DataPipeline p = fixture("customer-features.yaml", DataPipeline.class);
    WorkerPlan plan = DataPipelineRenderer.plan(p, Optional.empty(), config);
    assertThat(plan.runId()).isNull();
    assertThat(plan.deadLetter().path()).isEqualTo("/lake/curated/customer_features/_rejected");
    assertThat(plan.deadLetter().maxRejectedRatio()).isEqualTo(0.01);
    assertThat(plan.progressInterval()).isEqualTo("10s");
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

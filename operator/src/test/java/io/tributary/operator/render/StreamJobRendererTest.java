package io.tributary.operator.render;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.testing.Golden;
import java.util.List;
import java.util.Optional;
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

  @Test
  void renderingIsDeterministic() {
    StreamJob job = fixture("fraud-streamjob.yaml", StreamJob.class);
    assertThat(render(job, 2, null, Optional.empty(), config))
        .isEqualTo(render(job, 2, null, Optional.empty(), config));
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

  /** Compiles the job's plan, then renders, as the reconciler does. */
  private List<HasMetadata> render(
      StreamJob job,
      int replicas,
      io.tributary.operator.api.ComputePoolSpec pool,
      Optional<String> region,
      OperatorConfig config) {
    return StreamJobRenderer.render(
        job, PlanRenderer.stream(job, config).plan(), replicas, pool, region, config);
  }

  private static Deployment deployment(List<HasMetadata> objects) {
    return objects.stream()
        .filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .findFirst()
        .orElseThrow();
  }
}

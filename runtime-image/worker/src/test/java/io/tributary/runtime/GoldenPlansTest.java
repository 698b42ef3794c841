package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SecretRefs;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator's golden plans of every sample (its SamplePlansTest writes them) pass this worker's
 * own start-up check, with the referenced Secrets mounted as the operator mounts them: the two
 * sides of the contract agree on every sample. A plan that lost one of its values is refused.
 */
class GoldenPlansTest {
  private static final Path GOLDEN = Path.of("../../operator/src/test/resources/golden/plans");
  @TempDir Path secrets;

  static List<Path> plans() throws Exception {
    try (Stream<Path> files = Files.list(GOLDEN)) {
      List<Path> plans = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertThat(plans).as("golden plans in %s", GOLDEN).hasSizeGreaterThanOrEqualTo(4);
      return plans;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plans")
  void theWorkersStartUpCheckAcceptsTheGoldenPlan(Path file) throws Exception {
    WorkerPlan plan = mounted(PlanJson.readPlan(file));
    assertThat(Main.check(plan)).isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plans")
  void theSamePlanWithAValueMissingIsRefused(Path file) throws Exception {
    WorkerPlan plan = mounted(PlanJson.readPlan(file));
    WorkerPlan holed =
        plan.kind() == WorkerPlan.Kind.STREAM_JOB
            ? plan.toBuilder().commitInterval(null).build()
            : plan.toBuilder().progressInterval(null).build();
    assertThatThrownBy(() -> Main.check(holed))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining("Interval: missing");
  }

  /** The plan with its Secrets mounted in a folder of this test, as the pod has them. */
  private WorkerPlan mounted(WorkerPlan plan) throws Exception {
    for (SecretKeyRef ref : SecretRefs.collect(plan.source(), plan.transforms(), plan.sink())) {
      Path f = Path.of(SecretRefs.path(secrets.toString(), ref));
      Files.createDirectories(f.getParent());
      Files.writeString(f, "value-of-" + ref.key());
    }
    return plan.toBuilder().secretsDir(secrets.toString()).build();
  }
}

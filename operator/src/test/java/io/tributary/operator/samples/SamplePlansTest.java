package io.tributary.operator.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.TransformSetSpec;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.render.PlanRenderer;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.plan.PlanCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pipeline sample compiles to a golden worker plan: the plan the operator mounts, every
 * default applied. The worker's GoldenPlansTest runs its own start-up check on these same files, so
 * the two sides are held to one contract. Run with {@code -Dgolden.update=true} after an intended
 * change and read the JSON diff.
 */
class SamplePlansTest {
  static final Path DIR = Path.of("src/test/resources/golden/plans");
  private static final OperatorConfig CONFIG = OperatorConfig.defaults();

  /** A DataPipeline plan is compiled per run; the golden one is for this run. */
  static final WorkerPlan.Run RUN = new WorkerPlan.Run("golden-run", 1, null);

  record Sample(HasMetadata resource) {
    String file() {
      return resource.getMetadata().getNamespace()
          + "."
          + resource.getMetadata().getName()
          + ".json";
    }

    PlanCompiler.Result compile() {
      // Samples carry no uid; the API server would give one. Fix it so the plan is stable.
      resource.getMetadata().setUid("uid-of-" + resource.getMetadata().getName());
      Map<String, TransformSetSpec> sets;
      try {
        sets = SamplesTest.transformSets(resource.getMetadata().getNamespace());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return resource instanceof StreamJob j
          ? PlanRenderer.stream(j, sets, CONFIG)
          : PlanRenderer.batch((DataPipeline) resource, sets, CONFIG, RUN);
    }

    @Override
    public String toString() {
      return resource.getKind() + " " + file();
    }
  }

  static List<Sample> samples() throws IOException {
    List<Sample> out = new ArrayList<>();
    SamplesTest.all(StreamJob.class).forEach(j -> out.add(new Sample(j)));
    SamplesTest.all(DataPipeline.class).forEach(p -> out.add(new Sample(p)));
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void compilesWithoutProblemsToItsGoldenPlan(Sample sample) throws IOException {
    PlanCompiler.Result result = sample.compile();
    assertThat(result.problems()).as(sample.toString()).isEmpty();
    assertThat(PlanCompiler.problems(result.plan())).isEmpty();
    String json = PlanJson.write(result.plan()) + "\n";
    Path file = DIR.resolve(sample.file());
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(DIR);
      Files.writeString(file, json);
    }
    assertThat(file).as("golden plan of %s (run with -Dgolden.update=true)", sample).exists();
    assertThat(json)
        .as("plan of %s differs from %s (run with -Dgolden.update=true if intended)", sample, file)
        .isEqualTo(Files.readString(file));
  }

  @Test
  void thereIsAGoldenPlanForEverySampleAndNoOther() throws IOException {
    Set<String> expected = samples().stream().map(Sample::file).collect(Collectors.toSet());
    assertThat(expected).hasSizeGreaterThanOrEqualTo(4);
    try (Stream<Path> files = Files.list(DIR)) {
      assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
          .isEqualTo(new TreeSet<>(expected));
    }
  }
}

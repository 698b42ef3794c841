package io.tributary.operator.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.StreamJob;
import io.tributary.pipeline.TransformSpec;
import io.tributary.plan.PlanCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every sample passes the shared plan check — the one the operator reports as InvalidExpression or
 * InvalidSpec and the worker runs at start-up: its CEL compiles against the fields each step sees,
 * filters yield a bool, step settings are complete. A sample never teaches something either side
 * would refuse.
 */
class SampleExpressionsTest {
  @Test
  void everySamplePassesThePlanCheck() throws Exception {
    List<String> problems = new ArrayList<>();
    int expressions = 0;
    for (DataPipeline p : SamplesTest.all(DataPipeline.class)) {
      var s = p.getSpec();
      PlanCheck.check(s.source(), inlined(p, s.transforms()), s.sink(), s.schema())
          .forEach(problem -> problems.add(name(p) + ": " + problem));
      expressions += expressions(s.transforms());
    }
    for (StreamJob j : SamplesTest.all(StreamJob.class)) {
      var s = j.getSpec();
      PlanCheck.check(s.source(), inlined(j, s.transforms()), s.sink(), s.schema())
          .forEach(problem -> problems.add(name(j) + ": " + problem));
      expressions += expressions(s.transforms());
    }
    assertThat(expressions).as("the samples show CEL expressions").isGreaterThan(5);
    assertThat(problems).isEmpty();
  }

  /** The steps with the samples' TransformSets in place, as the operator compiles them. */
  private static List<TransformSpec> inlined(
      io.fabric8.kubernetes.api.model.HasMetadata o, List<TransformSpec> transforms)
      throws java.io.IOException {
    return io.tributary.operator.render.TransformSets.inline(
            transforms, SamplesTest.transformSets(o.getMetadata().getNamespace()))
        .steps();
  }

  private static int expressions(List<TransformSpec> transforms) {
    int n = 0;
    for (TransformSpec t : transforms == null ? List.<TransformSpec>of() : transforms) {
      if (t.filter() != null) n++;
      if (t.derive() != null) n += t.derive().fields().size();
      if (t.map() != null) n += t.map().fields().size();
    }
    return n;
  }

  private static String name(io.fabric8.kubernetes.api.model.HasMetadata o) {
    return o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }
}

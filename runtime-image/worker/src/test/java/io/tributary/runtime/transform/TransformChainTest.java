package io.tributary.runtime.transform;

import static io.tributary.runtime.transform.Plans.chain;
import static io.tributary.runtime.transform.Plans.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.pipeline.plan.RunSummary;
import io.tributary.runtime.PlanException;
import io.tributary.runtime.Secrets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransformChainTest {
  @Test
  void aStepWithNoTransformIsAPlanErrorAtItsIndex() {
    assertThatThrownBy(
            () -> chain("[{\"filter\":{\"expression\":\"true\"}},{\"name\":\"oops\"}]", null))
        .isInstanceOf(PlanException.class)
        .hasMessageStartingWith("transforms[1]: no transform set")
        .satisfies(e -> assertThat(((PlanException) e).stepIndex()).isEqualTo(1));
  }

  @Test
  void stepNamesMustBeUnique() {
    assertThatThrownBy(
            () ->
                chain(
                    "[{\"name\":\"a\",\"filter\":{\"expression\":\"true\"}},"
                        + "{\"name\":\"a\",\"filter\":{\"expression\":\"true\"}}]",
                    null))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining("used twice");
  }

  @Test
  void stepsRunInOrderAndAreCounted() {
    TransformChain c =
        chain(
            "[{\"normalize\":{\"rules\":[{\"field\":\"n\",\"number\":true}]}},"
                + "{\"filter\":{\"expression\":\"n > 10\"}},"
                + "{\"derive\":{\"fields\":[{\"name\":\"d\",\"expression\":\"n * 2\"}]}}]",
            null);
    assertThat(run(c, "{\"n\":\"12\"}").get(0).get("d").longValue()).isEqualTo(24);
    assertThat(run(c, "{\"n\":\"5\"}")).isEmpty();
    assertThatThrownBy(() -> run(c, "{\"n\":\"x\"}")).isInstanceOf(RejectedRecordException.class);
    assertThat(c.stepCounts())
        .containsExactly(
            new RunSummary.StepCount("normalize-0", 3, 2, 1),
            new RunSummary.StepCount("filter-1", 2, 1, 0),
            new RunSummary.StepCount("derive-2", 1, 1, 0));
    assertThat(c.isStateful()).isFalse();
  }

  @Test
  void anEmptyChainPassesRecordsThrough() {
    TransformChain c = chain("[]", null);
    assertThat(run(c, "{\"a\":1}")).hasSize(1);
  }

  @Test
  void recordsValidateDropsAreCountedAndReportedNeverSilentlyGone() {
    List<String> drops = new ArrayList<>();
    TransformChain c =
        TransformChain.compile(
            Plans.plan(
                "[{\"validate\":{\"onInvalid\":\"drop\"}},"
                    + "{\"filter\":{\"expression\":\"n > 1\"}}]",
                "{\"fields\":[{\"name\":\"n\",\"type\":\"integer\",\"required\":true}]}"),
            Secrets.fromDir(Path.of("/nonexistent")),
            TransformChain.Options.defaults().withDrops(drops::add));
    TransformChain fork = c.fork();

    assertThat(run(c, "{\"n\":5}")).hasSize(1);
    assertThat(run(c, "{\"n\":\"five\"}")).isEmpty();
    assertThat(run(c, "{}")).isEmpty();
    assertThat(run(c, "{\"n\":1}")).isEmpty(); // filtered: not a drop
    assertThat(run(fork, "{\"n\":null}")).isEmpty();

    assertThat(c.stepCounts())
        .containsExactly(
            new RunSummary.StepCount("validate-0", 4, 2, 0, 2),
            new RunSummary.StepCount("filter-1", 2, 1, 0, 0));
    assertThat(fork.stepCounts().get(0).dropped()).isEqualTo(1);
    assertThat(drops).containsExactly("validate-0", "validate-0", "validate-0");
  }
}

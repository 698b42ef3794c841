package io.tributary.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.status.Conditions.Reason;
import io.tributary.runtime.testing.PlanParityCases;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator refuses exactly what the worker refuses, in the worker's words: the table is the
 * worker's PlanParityTest's, where the same refusals are asserted on the worker's start-up line.
 */
class PipelineChecksParityTest {
  static List<PlanParityCases.Case> cases() {
    return PlanParityCases.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theOperatorReportsTheWorkersRefusalUnderSpec(PlanParityCases.Case c) {
    Optional<PipelineChecks.Problem> problem =
        PipelineChecks.plan(PlanParityCases.compile(c).problems());
    if (c.refusal() == null) {
      assertThat(problem).isEmpty();
    } else {
      assertThat(problem)
          .contains(
              new PipelineChecks.Problem(Reason.valueOf(c.reason().name()), "spec." + c.refusal()));
    }
  }
}

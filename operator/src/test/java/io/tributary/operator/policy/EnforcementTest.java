package io.tributary.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.Condition;
import io.tributary.operator.policy.Enforcement.Decision;
import io.tributary.operator.policy.Enforcement.Verdict;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.status.Conditions.Reason;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which reconciles report an enforcement decision: each decision once, a stop every time. */
class EnforcementTest {
  private static final PipelineChecks.Problem RESIDENCY =
      new PipelineChecks.Problem(
          Reason.ResidencyViolation,
          "spec.residency.region eu-west-1 differs from the namespace's me-central-1");

  @Test
  void aNewGenerationThatPassesIsAdmittedOnce() {
    Optional<Decision> first = Enforcement.of(null, 1, Optional.empty(), false);
    assertThat(first)
        .contains(
            new Decision(
                Verdict.ADMIT,
                "SpecChecks",
                "generation 1 passed the pool, residency, personal-data and plan checks"));
    assertThat(Enforcement.of(ready(true, Reason.WorkersAvailable, 1), 1, Optional.empty(), false))
        .as("the status already records generation 1")
        .isEmpty();
    assertThat(Enforcement.of(ready(true, Reason.WorkersAvailable, 1), 2, Optional.empty(), false))
        .get()
        .extracting(Decision::verdict)
        .isEqualTo(Verdict.ADMIT);
  }

  @Test
  void aRefusalIsReportedOncePerReasonAndItsFixIsAnAdmission() {
    Optional<Decision> refused = Enforcement.of(null, 3, Optional.of(RESIDENCY), false);
    assertThat(refused)
        .contains(new Decision(Verdict.REFUSE, "ResidencyViolation", RESIDENCY.message()));
    Condition told = ready(false, Reason.ResidencyViolation, 3);
    assertThat(Enforcement.of(told, 3, Optional.of(RESIDENCY), false)).isEmpty();
    var other = new PipelineChecks.Problem(Reason.UnmaskedPersonalData, "spec.sink: email");
    assertThat(Enforcement.of(told, 4, Optional.of(other), false))
        .get()
        .extracting(Decision::rule)
        .isEqualTo("UnmaskedPersonalData");
    // Fixed in the same generation number is impossible, but a fix read back at the generation
    // the refusal recorded (a namespace relabelled) is still an admission.
    assertThat(Enforcement.of(told, 3, Optional.empty(), false))
        .get()
        .extracting(Decision::verdict)
        .isEqualTo(Verdict.ADMIT);
  }

  @Test
  void stoppingWorkersIsReportedEveryTimeItHappens() {
    Condition told = ready(false, Reason.ResidencyViolation, 3);
    assertThat(Enforcement.of(told, 3, Optional.of(RESIDENCY), true))
        .contains(
            new Decision(
                Verdict.STOP, "ResidencyViolation", "workers stopped: " + RESIDENCY.message()));
  }

  @Test
  void aFailingRunIsNotAnEnforcementDecision() {
    assertThat(Enforcement.of(ready(false, Reason.RunFailed, 2), 2, Optional.empty(), false))
        .isEmpty();
  }

  private static Condition ready(boolean ok, Reason reason, long generation) {
    return Conditions.of(Conditions.READY, ok, reason, "", generation);
  }
}

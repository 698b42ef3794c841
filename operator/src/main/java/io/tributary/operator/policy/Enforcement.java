package io.tributary.operator.policy;

import io.tributary.operator.api.Condition;
import io.tributary.operator.status.Conditions.Reason;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The enforcement decision a reconcile made about a pipeline's spec, when there is one to report: a
 * generation is admitted once (the first reconcile that sees it pass the checks, or the first after
 * a refusal), refused once per reason, and stopped whenever running workers were stopped. Each
 * becomes an Event and one structured log line (docs/security.md, "Enforcement decisions").
 */
public final class Enforcement {
  private Enforcement() {}

  /** What was decided. */
  public enum Verdict {
    ADMIT,
    REFUSE,
    STOP;

    /** As logged: {@code admit}, {@code refuse}, {@code stop}. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * @param rule the check that decided: a refusal's reason ({@code ResidencyViolation}, ...), or
   *     {@code SpecChecks} for an admission (every check passed)
   */
  public record Decision(Verdict verdict, String rule, String message) {}

  /** The Ready reasons a refused spec carries. */
  static final Set<Reason> REFUSALS =
      EnumSet.of(
          Reason.ResidencyViolation,
          Reason.EndpointNotInCatalog,
          Reason.EndpointRequiresTls,
          Reason.UnmaskedPersonalData,
          Reason.ConsumerGroupOutsideNamespace,
          Reason.UnknownPool,
          Reason.SecretNotAllowed,
          Reason.InvalidSpec,
          Reason.InvalidExpression,
          Reason.DependencyCycle);

  /**
   * @param readyBefore the Ready condition the status had before this reconcile, or null
   * @param generation the spec generation this reconcile checked
   * @param problem what the checks refuse, if anything
   * @param workersStopped whether this reconcile stopped running workers because of the problem
   */
  public static Optional<Decision> of(
      Condition readyBefore,
      long generation,
      Optional<PipelineChecks.Problem> problem,
      boolean workersStopped) {
    if (problem.isPresent()) {
      PipelineChecks.Problem p = problem.get();
      String rule = p.reason().name();
      if (workersStopped) {
        return Optional.of(new Decision(Verdict.STOP, rule, "workers stopped: " + p.message()));
      }
      boolean told = readyBefore != null && rule.equals(readyBefore.reason());
      return told ? Optional.empty() : Optional.of(new Decision(Verdict.REFUSE, rule, p.message()));
    }
    boolean wasRefused = readyBefore != null && refusal(readyBefore.reason());
    boolean seen =
        readyBefore != null
            && readyBefore.observedGeneration() != null
            && readyBefore.observedGeneration() == generation;
    if (seen && !wasRefused) return Optional.empty();
    return Optional.of(
        new Decision(
            Verdict.ADMIT,
            "SpecChecks",
            "generation "
                + generation
                + " passed the pool, residency, personal-data and plan checks"));
  }

  private static boolean refusal(String reason) {
    return REFUSALS.stream().anyMatch(r -> r.name().equals(reason));
  }
}

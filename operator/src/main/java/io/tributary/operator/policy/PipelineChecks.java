package io.tributary.operator.policy;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.ComputeSpec;
import io.tributary.operator.api.PipelineSpec;
import io.tributary.operator.status.Conditions.Reason;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.plan.PlanProblem;
import java.util.List;
import java.util.Optional;

/**
 * The checks the CRD schema cannot make, shared by both pipeline kinds: the pool exists and fits,
 * data stays in its region ({@link #check}), and the compiled plan has no problem ({@link #plan}):
 * the plan compiler's check is the same one the worker runs at start-up (CEL against the fields
 * each step sees, step settings, durations, the JSON Schema, classified fields reaching the sink
 * unmasked), reported as {@code spec.<path>: <message>} with the worker's words. The first problem
 * wins; each names the field and the fix.
 */
public final class PipelineChecks {
  private PipelineChecks() {}

  /**
   * A permanent problem with a spec.
   *
   * @param reason the Ready condition's reason
   */
  public record Problem(Reason reason, String message) {}

  /**
   * {@link #check(SourceSpec, SinkSpec, ComputeSpec, ComputePoolSpec, ResidencyPolicy.Residency)}
   * of a spec.
   */
  public static Optional<Problem> check(
      PipelineSpec spec, ComputePoolSpec pool, ResidencyPolicy.Residency residency) {
    return check(spec.source(), spec.sink(), spec.compute(), pool, residency);
  }

  /** The pool exists and fits, and the data stays in its region ({@link ResidencyPolicy}). */
  public static Optional<Problem> check(
      SourceSpec source,
      SinkSpec sink,
      ComputeSpec compute,
      ComputePoolSpec pool,
      ResidencyPolicy.Residency residency) {
    Optional<String> poolProblem = PoolPolicy.check(compute, pool);
    if (poolProblem.isPresent()) {
      boolean missing = compute != null && compute.pool() != null && pool == null;
      return Optional.of(
          new Problem(missing ? Reason.UnknownPool : Reason.InvalidSpec, poolProblem.get()));
    }
    List<String> violations =
        ResidencyPolicy.violations(
            residency,
            source,
            sink,
            compute != null ? compute.pool() : null,
            pool != null ? pool.region() : null);
    if (!violations.isEmpty()) {
      return Optional.of(new Problem(Reason.ResidencyViolation, String.join("; ", violations)));
    }
    return Optional.empty();
  }

  /**
   * The first problem the plan compiler found (CEL, field flow, settings), worded as the worker
   * words it, below {@code spec.}.
   */
  public static Optional<Problem> plan(List<PlanProblem> problems) {
    return problems.stream().findFirst().map(p -> new Problem(reason(p.kind()), "spec." + p));
  }

  /**
   * Whether running workers must stop at once rather than keep running an earlier generation: data
   * leaving its region, an endpoint the catalog does not vouch for (or reached in plaintext when it
   * requires TLS), classified data reaching a sink unmasked, or a consumer group of another
   * namespace (reading or committing its offsets). A spec accepted before a field was classified,
   * or before this check existed, may be exactly what the workers run.
   */
  public static boolean stopsWorkers(Problem problem) {
    return problem.reason() == Reason.ResidencyViolation
        || problem.reason() == Reason.EndpointNotInCatalog
        || problem.reason() == Reason.EndpointRequiresTls
        || problem.reason() == Reason.UnmaskedPersonalData
        || problem.reason() == Reason.ConsumerGroupOutsideNamespace;
  }

  private static Reason reason(PlanProblem.Kind kind) {
    return switch (kind) {
      case INVALID_EXPRESSION -> Reason.InvalidExpression;
      case INVALID_SPEC -> Reason.InvalidSpec;
      case UNMASKED_PERSONAL_DATA -> Reason.UnmaskedPersonalData;
      case CONSUMER_GROUP_OUTSIDE_NAMESPACE -> Reason.ConsumerGroupOutsideNamespace;
    };
  }
}

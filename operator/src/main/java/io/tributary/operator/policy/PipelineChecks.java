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
 * each step sees, step settings, durations, the JSON Schema), reported as {@code spec.<path>:
 * <message>} with the worker's words. The first problem wins; each names the field and the fix.
 */
public final class PipelineChecks {
  private PipelineChecks() {}

  /**
   * A permanent problem with a spec.
   *
   * @param reason the Ready condition's reason
   */
  public record Problem(Reason reason, String message) {}

  /** {@link #check(SourceSpec, SinkSpec, ComputeSpec, ComputePoolSpec, Optional)} of a spec. */
  public static Optional<Problem> check(
      PipelineSpec spec, ComputePoolSpec pool, Optional<String> region) {
    return check(spec.source(), spec.sink(), spec.compute(), pool, region);
  }

  /** The pool exists and fits, and the data stays in {@code region}. */
  public static Optional<Problem> check(
      SourceSpec source,
      SinkSpec sink,
      ComputeSpec compute,
      ComputePoolSpec pool,
      Optional<String> region) {
    Optional<String> poolProblem = PoolPolicy.check(compute, pool);
    if (poolProblem.isPresent()) {
      boolean missing = compute != null && compute.pool() != null && pool == null;
      return Optional.of(
          new Problem(missing ? Reason.UnknownPool : Reason.InvalidSpec, poolProblem.get()));
    }
    List<String> residency =
        ResidencyPolicy.violations(
            region,
            source,
            sink,
            compute != null ? compute.pool() : null,
            pool != null ? pool.region() : null);
    if (!residency.isEmpty()) {
      return Optional.of(new Problem(Reason.ResidencyViolation, String.join("; ", residency)));
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

  private static Reason reason(PlanProblem.Kind kind) {
    return switch (kind) {
      case INVALID_EXPRESSION -> Reason.InvalidExpression;
      case INVALID_SPEC -> Reason.InvalidSpec;
    };
  }
}

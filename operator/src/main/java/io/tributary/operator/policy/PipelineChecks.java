package io.tributary.operator.policy;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.status.Conditions.Reason;
import io.tributary.pipeline.ComputeSpec;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import java.util.List;
import java.util.Optional;

/**
 * The checks the CRD schema cannot make, shared by both pipeline kinds: the pool exists and fits,
 * data stays in its region, CEL compiles. The first problem wins; each names the field and the fix.
 */
public final class PipelineChecks {
  private PipelineChecks() {}

  /**
   * A permanent problem with a spec.
   *
   * @param reason the Ready condition's reason
   */
  public record Problem(Reason reason, String message) {}

  public static Optional<Problem> check(
      SourceSpec source,
      List<TransformSpec> transforms,
      SinkSpec sink,
      SchemaSpec schema,
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
    List<String> cel = ExpressionPolicy.violations(transforms, schema);
    if (!cel.isEmpty())
      return Optional.of(new Problem(Reason.InvalidExpression, String.join("; ", cel)));
    return Optional.empty();
  }
}

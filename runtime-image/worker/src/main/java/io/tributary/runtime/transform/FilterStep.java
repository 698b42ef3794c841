package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.runtime.CelEvaluationException;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Keeps records for which the CEL predicate is true; a record missing a referenced field is
 * dropped. The plan check already refused predicates whose type is surely not a bool; a {@code dyn}
 * one that yields something else for a record rejects that record.
 */
final class FilterStep implements Step {
  private final CelExpression predicate;

  FilterStep(CelExpression predicate) {
    this.predicate = predicate;
  }

  @Override
  public void process(ObjectNode record, Instant now, Consumer<ObjectNode> out) {
    Object result;
    try {
      result = predicate.eval(record);
    } catch (CelEvaluationException e) {
      throw new StepRejection("filter expression failed: " + e.getMessage());
    }
    if (result == CelExpression.MISSING || Boolean.FALSE.equals(result)) {
      return;
    }
    if (!(result instanceof Boolean)) {
      throw new StepRejection(
          "filter expression yielded a " + result.getClass().getSimpleName() + ", not a bool");
    }
    out.accept(record);
  }
}

package io.tributary.plan;

/**
 * Why a pipeline cannot run, at a place in the plan.
 *
 * @param path where, spelled as in the plan and the spec below {@code spec.}, e.g. {@code
 *     transforms[1].filter.expression}
 * @param message what is wrong and how to fix it
 */
public record PlanProblem(Kind kind, String path, String message) {

  /** What sort of problem; the operator turns it into a condition reason. */
  public enum Kind {
    /** A CEL expression does not compile or refers to a field that does not exist. */
    INVALID_EXPRESSION,
    /** Anything else the spec gets wrong. */
    INVALID_SPEC
  }

  /** {@code path: message}, as the worker prints it and the operator shows it after "spec.". */
  @Override
  public String toString() {
    return path + ": " + message;
  }
}

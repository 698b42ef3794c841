package io.tributary.plan;

/**
 * One reason a plan cannot run, found without running it.
 *
 * @param path where in the spec (and in the worker plan, which has the same shape), e.g. {@code
 *     transforms[1].filter.expression}; the operator reports it under {@code spec.}, the worker
 *     after the plan file's name
 * @param message what is wrong and how to fix it, one line
 * @param kind which condition reason the operator reports
 */
public record PlanProblem(String path, String message, Kind kind) {

  /** The kinds of problem; each maps to one condition reason of the operator. */
  public enum Kind {
    /** A filter, map or derive expression that the CEL environment refuses. */
    INVALID_EXPRESSION,
    /** Anything else: a missing setting, a bad duration, a schema that does not parse. */
    INVALID_SPEC,
    /**
     * A classified field (personal or sensitive data) would reach the sink unmasked, and the sink
     * is not allowed to hold it ({@link ClassifiedFields}).
     */
    UNMASKED_PERSONAL_DATA,
    /**
     * A consumer group outside the namespace's prefix ({@link PlanNames#namespacePrefix}): the
     * pipeline would read or commit another namespace's offsets.
     */
    CONSUMER_GROUP_OUTSIDE_NAMESPACE
  }

  static PlanProblem expression(String path, String message) {
    return new PlanProblem(path, message, Kind.INVALID_EXPRESSION);
  }

  static PlanProblem personalData(String path, String message) {
    return new PlanProblem(path, message, Kind.UNMASKED_PERSONAL_DATA);
  }

  static PlanProblem spec(String path, String message) {
    return new PlanProblem(path, message, Kind.INVALID_SPEC);
  }

  /** {@code <path>: <message>}, as both sides print it after their prefix. */
  @Override
  public String toString() {
    return path + ": " + message;
  }
}

package io.tributary.runtime;

import io.tributary.plan.PlanProblem;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plan cannot run: an unknown transform, a CEL expression that does not compile, a missing
 * secret file. Thrown at start-up, before any record is read; the message names where in the plan
 * the problem is (e.g. {@code transforms[2] (filter-2)}) and what to fix.
 */
public final class PlanException extends RuntimeException {
  private static final Pattern STEP = Pattern.compile("transforms\\[(\\d+)]");
  private final String where;
  private final int stepIndex;

  private PlanException(String where, int stepIndex, String problem, Throwable cause) {
    super(where + ": " + problem, cause);
    this.where = where;
    this.stepIndex = stepIndex;
  }

  /** A problem in the plan outside the transform chain, e.g. at {@code source.kafka}. */
  public static PlanException at(String where, String problem) {
    return new PlanException(where, -1, problem, null);
  }

  /** A problem the shared plan check found, at its path (e.g. transforms[1].filter.expression). */
  public static PlanException of(PlanProblem problem) {
    Matcher step = STEP.matcher(problem.path());
    int index = step.lookingAt() ? Integer.parseInt(step.group(1)) : -1;
    return new PlanException(problem.path(), index, problem.message(), null);
  }

  /** A problem in transform step {@code index} named {@code stepName}. */
  public static PlanException atStep(int index, String stepName, String problem) {
    return atStep(index, stepName, problem, null);
  }

  public static PlanException atStep(int index, String stepName, String problem, Throwable cause) {
    return new PlanException("transforms[" + index + "] (" + stepName + ")", index, problem, cause);
  }

  /** Where in the plan, e.g. {@code transforms[2] (filter-2)} or {@code sink.kafka}. */
  public String where() {
    return where;
  }

  /** The transform step index, or -1 when the problem is outside the chain. */
  public int stepIndex() {
    return stepIndex;
  }
}

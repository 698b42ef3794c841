package io.tributary.runtime;

import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The worker runtime's entry point: {@code run --plan <file>}. One image serves every StreamJob pod
 * and every DataPipeline run; the plan's kind decides which engine runs.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length != 3 || !"run".equals(args[0]) || !"--plan".equals(args[1])) {
      System.err.println("usage: tributary-worker run --plan <plan.json>");
      return ExitCodes.INVALID_PLAN;
    }
    Path planPath = Path.of(args[2]);
    if (!Files.isReadable(planPath)) {
      System.err.println("plan " + planPath + ": file not found or not readable");
      return ExitCodes.INVALID_PLAN;
    }
    WorkerPlan plan;
    try {
      plan = PlanJson.readPlan(planPath);
    } catch (RuntimeException e) {
      System.err.println("plan " + planPath + ": " + e.getMessage());
      return ExitCodes.INVALID_PLAN;
    }
    if (plan.planVersion() != WorkerPlan.VERSION) {
      System.err.println(
          "plan "
              + planPath
              + ": planVersion "
              + plan.planVersion()
              + " is not supported (this runtime reads "
              + WorkerPlan.VERSION
              + ")");
      return ExitCodes.INVALID_PLAN;
    }
    System.err.println("plan " + planPath + ": kind " + plan.kind() + " has no engine yet");
    return ExitCodes.INVALID_PLAN;
  }
}

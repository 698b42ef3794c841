package io.tributary.runtime.batch;

import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a plan in a separate JVM, so a crash point can halt it like a killed pod. {@link #main} is
 * the child's entry point: {@code <plan.json> <termination-log>}.
 */
final class RunPlanInChildJvm {
  private RunPlanInChildJvm() {}

  public static void main(String[] args) {
    WorkerPlan plan = PlanJson.readPlan(Path.of(args[0]));
    System.exit(new BatchWorker(plan, Path.of(args[1])).run());
  }

  /** Runs {@code plan} in a child JVM with the given system properties; returns its exit code. */
  static int run(BatchPlans plan, Path dir, String... systemProperties)
      throws IOException, InterruptedException {
    Path planFile = dir.resolve("plan-" + System.nanoTime() + ".json");
    Files.writeString(planFile, PlanJson.write(plan.build()));
    return start(
        List.of(
            RunPlanInChildJvm.class.getName(),
            planFile.toString(),
            dir.resolve("termination-child").toString()),
        Map.of(),
        systemProperties);
  }

  /**
   * Runs the container's entry point, {@code io.tributary.runtime.Main run --plan <file>}, with the
   * run's environment plus {@code extraEnv}.
   */
  static int runMain(BatchPlans plan, Path dir, Map<String, String> extraEnv)
      throws IOException, InterruptedException {
    Path planFile = dir.resolve("plan-" + System.nanoTime() + ".json");
    Files.writeString(planFile, PlanJson.write(plan.build()));
    return runMain(planFile, extraEnv);
  }

  /** Runs the container's entry point on a plan file as it is, with {@code extraEnv}. */
  static int runMain(Path planFile, Map<String, String> extraEnv)
      throws IOException, InterruptedException {
    return start(
        List.of("io.tributary.runtime.Main", "run", "--plan", planFile.toString()), extraEnv);
  }

  private static int start(
      List<String> mainAndArgs, Map<String, String> extraEnv, String... systemProperties)
      throws IOException, InterruptedException {
    Path target = Path.of("target");
    String cp =
        target.resolve("test-classes")
            + File.pathSeparator
            + target.resolve("classes")
            + File.pathSeparator
            + Files.readString(target.resolve("test-classpath.txt")).trim();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    for (String p : systemProperties) cmd.add("-D" + p);
    cmd.add("-cp");
    cmd.add(cp);
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
    pb.environment().putAll(extraEnv);
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM did not finish in 5 minutes");
    }
    return p.exitValue();
  }
}

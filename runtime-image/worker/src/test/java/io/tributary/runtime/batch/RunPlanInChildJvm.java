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
 * Runs a plan in a separate JVM, so a crash test can kill it with SIGKILL like a killed pod. {@link
 * #main} is the child's entry point: {@code <plan.json> <termination-log>}.
 */
final class RunPlanInChildJvm {
  private RunPlanInChildJvm() {}

  public static void main(String[] args) {
    WorkerPlan plan = PlanJson.readPlan(Path.of(args[0]));
    System.exit(new BatchWorker(plan, Path.of(args[1])).run());
  }

  /**
   * Starts {@code plan} in a child JVM with the given JVM options (e.g. {@link
   * ChildDebugger#agentOption()}); the caller waits for it or kills it.
   */
  static Process start(BatchPlans plan, Path dir, String... jvmOptions) throws IOException {
    Path planFile = dir.resolve("plan-" + System.nanoTime() + ".json");
    Files.writeString(planFile, PlanJson.write(plan.build()));
    return launch(
        List.of(
            RunPlanInChildJvm.class.getName(),
            planFile.toString(),
            dir.resolve("termination-child").toString()),
        Map.of(),
        jvmOptions);
  }

  /**
   * Runs the container's entry point, {@code io.tributary.runtime.Main run --plan <file>}, on the
   * compiled plan, with {@code extraEnv}.
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
    Process p =
        launch(
            List.of("io.tributary.runtime.Main", "run", "--plan", planFile.toString()), extraEnv);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM did not finish in 5 minutes");
    }
    return p.exitValue();
  }

  /** Where every child of this test JVM writes its output, one after the other. */
  static final Path LOG = Path.of("target", "child-jvm.log").toAbsolutePath();

  private static Process launch(
      List<String> mainAndArgs, Map<String, String> extraEnv, String... jvmOptions)
      throws IOException {
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
    cmd.addAll(List.of(jvmOptions));
    cmd.add("-cp");
    cmd.add(cp);
    cmd.addAll(mainAndArgs);
    // The child's output goes to a file beside its plan, not to the forked test JVM's stdout (which
    // Surefire reads as its own channel): a debugger that misses its call quotes the file's tail.
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile()));
    pb.environment().putAll(extraEnv);
    return pb.start();
  }
}

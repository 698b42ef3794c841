package io.tributary.runtime.stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker as a separate JVM ({@code io.tributary.runtime.Main run --plan <file>}), on the
 * module's classes and the dependency classpath Maven writes to target/test-classpath.txt.
 */
final class WorkerProcess {
  private WorkerProcess() {}

  static Process start(Path plan, String instanceId, Path log) throws IOException {
    return start(plan, instanceId, log, null);
  }

  /** As {@link #start(Path, String, Path)}, writing the termination message to {@code summary}. */
  static Process start(Path plan, String instanceId, Path log, Path summary) throws IOException {
    return start(plan, instanceId, log, summary, List.of());
  }

  /** As {@link #start(Path, String, Path, Path)}, with further JVM options (e.g. a debugger). */
  static Process start(
      Path plan, String instanceId, Path log, Path summary, List<String> jvmOptions)
      throws IOException {
    String classpath =
        Path.of("target/classes").toAbsolutePath()
            + java.io.File.pathSeparator
            + Files.readString(Path.of("target/test-classpath.txt")).strip();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC"));
    command.addAll(jvmOptions);
    command.addAll(
        List.of("-cp", classpath, "io.tributary.runtime.Main", "run", "--plan", plan.toString()));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("TRIBUTARY_INSTANCE_ID", instanceId);
    if (summary != null) pb.environment().put("TRIBUTARY_TERMINATION_LOG", summary.toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }
}

package io.tributary.runtime.stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The worker as a separate JVM ({@code io.tributary.runtime.Main run --plan <file>}), on the
 * module's classes and the dependency classpath Maven writes to target/test-classpath.txt.
 */
final class WorkerProcess {
  private WorkerProcess() {}

  static Process start(Path plan, String instanceId, Path log) throws IOException {
    String classpath =
        Path.of("target/classes").toAbsolutePath()
            + java.io.File.pathSeparator
            + Files.readString(Path.of("target/test-classpath.txt")).strip();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                classpath,
                "io.tributary.runtime.Main",
                "run",
                "--plan",
                plan.toString()));
    pb.environment().put("TRIBUTARY_INSTANCE_ID", instanceId);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }
}

package io.tributary.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the image build's class-data-sharing step as runtime-image/Dockerfile runs it: the packaged
 * jar (CDS archives only classes from jars, so this is an IT, after {@code package}) on {@code
 * cds/training-plan.json} from the image's working directory with {@code -XX:ArchiveClassesAtExit};
 * then a worker started with {@code -XX:SharedArchiveFile}, as the entry point starts it.
 */
class CdsTrainingRunIT {
  /** 300 lines: one filtered out (negative amount), two rejected (email is a number). */
  private static final long TRAINING_WRITTEN = 297;

  @Test
  void trainingRunWritesItsRecordsAndAnArchiveTheNextWorkerUses(@TempDir Path dir)
      throws Exception {
    copyTree(CdsTrainingPlanTest.CDS, dir.resolve("cds"));
    Path archive = dir.resolve("worker.jsa");
    Path summary = dir.resolve("summary.json");

    assertThat(runJar(dir, summary, "-XX:ArchiveClassesAtExit=" + archive)).isZero();
    RunSummary trained = PlanJson.readSummary(Files.readString(summary));
    assertThat(trained.recordsWritten()).isEqualTo(TRAINING_WRITTEN);
    assertThat(trained.recordsRejected()).isEqualTo(2);
    assertThat(Files.size(archive)).isPositive();

    deleteTree(dir.resolve("cds-out"));
    // -Xshare:on: fail instead of silently running without the archive.
    assertThat(runJar(dir, summary, "-Xshare:on", "-XX:SharedArchiveFile=" + archive)).isZero();
    assertThat(PlanJson.readSummary(Files.readString(summary)).recordsWritten())
        .isEqualTo(TRAINING_WRITTEN);
  }

  private static int runJar(Path workDir, Path summary, String... jvmOptions)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmOptions));
    cmd.addAll(
        List.of(
            "-jar",
            Path.of("target", "tributary-worker.jar").toAbsolutePath().toString(),
            "run",
            "--plan",
            "cds/training-plan.json"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).inheritIO();
    pb.environment().put("TRIBUTARY_TERMINATION_LOG", summary.toString());
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the training run did not finish in 5 minutes");
    }
    return p.exitValue();
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}

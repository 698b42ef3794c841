package io.tributary.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Layering the build enforces: rendering, policy, status and scheduling code is pure — it may use
 * the Kubernetes model classes but never the client or JOSDK — so it stays testable without I/O.
 */
class ImportRulesTest {
  private static final Path SRC = Path.of("src/main/java/io/tributary/operator");
  private static final List<String> PURE =
      List.of("render", "policy", "status", "schedule", "autoscale");
  private static final List<String> FORBIDDEN =
      List.of("import io.fabric8.kubernetes.client.", "import io.javaoperatorsdk.");

  @Test
  void pureLayersImportNoClientCode() throws IOException {
    List<String> offences = new ArrayList<>();
    for (String pkg : PURE) {
      Path dir = SRC.resolve(pkg);
      if (!Files.isDirectory(dir)) continue;
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          for (String line : Files.readAllLines(f)) {
            if (FORBIDDEN.stream().anyMatch(line::startsWith)) offences.add(f + ": " + line);
          }
        }
      }
    }
    assertThat(offences).as("pure packages must not talk to the cluster").isEmpty();
  }

  @Test
  void decisionsDoNotEvenUseTheKubernetesModel() throws IOException {
    List<String> offences = new ArrayList<>();
    for (String pkg : List.of("policy", "schedule", "autoscale")) {
      Path dir = SRC.resolve(pkg);
      if (!Files.isDirectory(dir)) continue;
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          for (String line : Files.readAllLines(f)) {
            if (line.startsWith("import io.fabric8.kubernetes.")) offences.add(f + ": " + line);
          }
        }
      }
    }
    assertThat(offences).isEmpty();
  }
}

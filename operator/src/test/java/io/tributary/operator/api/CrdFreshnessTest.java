package io.tributary.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The CRDs in crds/ and in the chart are exactly what the generator makes of the api types. */
class CrdFreshnessTest {
  private static final Path GENERATED = Path.of("target/crds");
  private static final String FIX =
      "CRDs are stale: run `mvn -pl operator -am process-classes -Pupdate-crds` and commit crds/"
          + " and charts/tributary/crds/";

  static Stream<String> crdFiles() throws IOException {
    try (Stream<Path> files = Files.list(GENERATED)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("crdFiles")
  void committedCrdMatchesGenerated(String file) throws IOException {
    String generated = Files.readString(GENERATED.resolve(file));
    for (Path committed :
        new Path[] {Path.of("../crds", file), Path.of("../charts/tributary/crds", file)}) {
      assertThat(committed).as(FIX).exists();
      assertThat(Files.readString(committed)).as(FIX + " (" + committed + ")").isEqualTo(generated);
    }
  }

  @ParameterizedTest
  @MethodSource("crdFiles")
  void crdStaysUnderTheSizeArgoCdAndEtcdAreHappyWith(String file) throws IOException {
    assertThat(Files.size(GENERATED.resolve(file))).isLessThan(100 * 1024);
  }

  @org.junit.jupiter.api.Test
  void threeCrdsAreGenerated() throws IOException {
    assertThat(crdFiles())
        .containsExactly(
            "computepools.tributary.io-v1.yml",
            "datapipelines.tributary.io-v1.yml",
            "streamjobs.tributary.io-v1.yml");
  }
}

package io.tributary.operator.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tributary.operator.schema.CrdSchemaValidator;
import io.tributary.operator.schema.GeneratedCrds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each manifest of the invalid corpus is refused by the generated CRD with the message its first
 * line promises ({@code # expect: <substring>}). The e2e suite applies the same files to a real API
 * server, so the expectations are written in the API server's words.
 */
class InvalidManifestsTest {
  static final Path CORPUS = Path.of("../e2e/src/test/resources/invalid");
  private static final String EXPECT = "# expect: ";
  private static final YAMLMapper YAML = new YAMLMapper();

  static List<Path> corpus() throws IOException {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRejectedWithTheExpectedMessage(Path file) throws IOException {
    String text = Files.readString(file);
    String firstLine = text.lines().findFirst().orElse("");
    assertThat(firstLine).as("%s starts with '%s<message>'", file, EXPECT).startsWith(EXPECT);
    String expected = firstLine.substring(EXPECT.length()).strip();
    assertThat(expected).isNotEmpty();

    JsonNode manifest = YAML.readTree(text);
    CrdSchemaValidator crd =
        GeneratedCrds.forKind(manifest.path("kind").asText())
            .orElseThrow(() -> new AssertionError(file + ": not one of our kinds"));
    List<String> violations = crd.validate(manifest);

    assertThat(violations).as(file.toString()).isNotEmpty();
    assertThat(violations).as(file.toString()).anyMatch(v -> v.contains(expected));
  }

  /** The counterpart of the dp-parallelism-* manifests: a run split across pods that is built. */
  @Test
  void aRunSplitAcrossPodsFromJdbcIntoParquetIsAccepted() throws IOException {
    JsonNode manifest =
        YAML.readTree(Path.of("src/test/resources/fixtures/customers-in-parts.yaml").toFile());
    CrdSchemaValidator crd = GeneratedCrds.forKind("DataPipeline").orElseThrow();

    assertThat(crd.validate(manifest)).isEmpty();
  }

  /** The counterpart of sj-feature-store-exactly-once.yaml: the same sink, at-least-once. */
  @Test
  void aStreamJobFeatureStoreSinkAtLeastOnceIsAccepted() throws IOException {
    JsonNode manifest =
        YAML.readTree(Path.of("src/test/resources/fixtures/features-streamjob.yaml").toFile());
    CrdSchemaValidator crd = GeneratedCrds.forKind("StreamJob").orElseThrow();

    assertThat(crd.validate(manifest)).isEmpty();
  }

  /** The counterpart of the sj-mqtt-*.yaml files: an MQTT source with TLS and a login. */
  @Test
  void aStreamJobMqttSourceBridgedIntoOneTopicIsAccepted() throws IOException {
    JsonNode manifest =
        YAML.readTree(Path.of("src/test/resources/fixtures/mqtt-streamjob.yaml").toFile());
    CrdSchemaValidator crd = GeneratedCrds.forKind("StreamJob").orElseThrow();

    assertThat(crd.validate(manifest)).isEmpty();
  }

  @Test
  void theCorpusCoversTheMistakesUsersMake() throws IOException {
    assertThat(corpus()).hasSizeGreaterThanOrEqualTo(12);
  }
}

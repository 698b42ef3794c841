package io.tributary.operator.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tributary.operator.status.Conditions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/crds.md keeps up with the CRDs and the operator: every spec and status field, and every
 * condition reason the operator sets, is explained there.
 */
class DocsCoverageTest {
  private static final Path DOC = Path.of("../docs/crds.md");

  static List<Path> crds() {
    return GeneratedCrds.files();
  }

  @ParameterizedTest
  @MethodSource("crds")
  void everySpecAndStatusFieldIsInTheTour(Path crd) throws IOException {
    String doc = Files.readString(DOC);
    JsonNode schema =
        new YAMLMapper()
            .readTree(crd.toFile())
            .path("spec")
            .path("versions")
            .path(0)
            .path("schema")
            .path("openAPIV3Schema");
    List<String> missing = new ArrayList<>();
    for (String part : List.of("spec", "status")) {
      schema
          .path("properties")
          .path(part)
          .path("properties")
          .fieldNames()
          .forEachRemaining(
              field -> {
                // In prose (`field`, status.field) or in a YAML snippet (field:).
                Pattern mention =
                    Pattern.compile("(`" + field + "`|\\." + field + "\\b|\\b" + field + ":)");
                if (!mention.matcher(doc).find()) {
                  missing.add(part + "." + field);
                }
              });
    }
    assertThat(missing).as("fields of %s that docs/crds.md does not explain", crd).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void everyConditionReasonTheOperatorUsesIsExplained() throws IOException {
    String doc = Files.readString(DOC);
    List<String> missing = new ArrayList<>();
    for (Conditions.Reason reason : Conditions.Reason.values()) {
      // A row of a reasons table: | `Reason` | status | ...
      if (!Pattern.compile("\\| `" + reason.name() + "` \\|").matcher(doc).find()) {
        missing.add(reason.name());
      }
    }
    assertThat(missing).as("reasons without a row in docs/crds.md").isEmpty();
  }
}

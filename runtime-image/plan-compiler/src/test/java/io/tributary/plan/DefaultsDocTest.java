package io.tributary.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.plan.WorkerPlan.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/defaults.md is the defaults table, so the one set of defaults is documented once. After a
 * change to {@link Defaults}: {@code mvn -pl runtime-image/plan-compiler test -Ddocs.update=true}.
 */
class DefaultsDocTest {
  private static final Path DOC = Path.of("../../docs/defaults.md");
  private static final String BEGIN = "<!-- defaults:begin (generated from Defaults.TABLE) -->";
  private static final String END = "<!-- defaults:end -->";

  @Test
  void theDocsShowExactlyTheDefaultsTable() throws Exception {
    String doc = Files.readString(DOC);
    int a = doc.indexOf(BEGIN);
    int b = doc.indexOf(END);
    assertThat(a).as("docs/defaults.md has the generated section").isNotNegative();
    assertThat(b).isGreaterThan(a);
    String expected = doc.substring(0, a + BEGIN.length()) + "\n" + table() + doc.substring(b);
    if (Boolean.getBoolean("docs.update")) {
      Files.writeString(DOC, expected);
      return;
    }
    assertThat(doc)
        .as("docs/defaults.md is stale: run with -Ddocs.update=true and commit it")
        .isEqualTo(expected);
  }

  static String table() {
    String rows =
        Defaults.TABLE.stream()
            .map(
                e ->
                    "| `"
                        + e.path()
                        + "` | "
                        + kinds(e)
                        + " | "
                        + e.shown().replace("|", "\\|")
                        + " |")
            .collect(Collectors.joining("\n"));
    return "| plan field | applies to | default |\n|---|---|---|\n" + rows + "\n";
  }

  private static String kinds(Defaults.Entry e) {
    if (e.kinds().size() == Kind.values().length) return "both";
    return e.kinds().stream().map(Kind::resourceKind).collect(Collectors.joining(", "));
  }
}

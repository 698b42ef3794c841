package io.tributary.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart lints, renders, carries the CRDs of crds/, and is the one source of
 * config/manager/operator.yaml.
 */
class ChartTest {
  private static final Path CHART = Chart.DIR;
  private static final Path KUSTOMIZE_COPY = Path.of("../config/manager/operator.yaml");
  private static final Path CRDS = Path.of("../crds");
  private static final List<String> CRD_FILES =
      List.of(
          "computepools.tributary.io-v1.yml",
          "dataendpoints.tributary.io-v1.yml",
          "datapipelines.tributary.io-v1.yml",
          "streamjobs.tributary.io-v1.yml",
          "transformsets.tributary.io-v1.yml");

  @Test
  void chartLints() {
    LintResult result = new Helm(CHART).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  /** Helm follows the chart's crds link: `helm show crds` (and install) get crds/ as it is. */
  @Test
  void helmReadsTheCrdsThroughTheLink() throws IOException {
    String shown = new Helm(CHART).show().crds().call();
    List<HasMetadata> crds = Serialization.unmarshal(shown);
    assertThat(crds)
        .extracting(o -> o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "computepools.tributary.io",
            "dataendpoints.tributary.io",
            "datapipelines.tributary.io",
            "streamjobs.tributary.io",
            "transformsets.tributary.io");
    for (String file : CRD_FILES) {
      assertThat(shown).contains(Files.readString(CRDS.resolve(file)).strip());
    }
  }

  /** A packaged chart (what a chart repository serves) holds the CRD files themselves. */
  @Test
  void aPackagedChartHoldsTheCrdFilesNotTheLink(@TempDir Path dir) throws IOException {
    new Helm(CHART).packageIt().withDestination(dir).call();
    Path tgz;
    try (var files = Files.list(dir)) {
      tgz = files.filter(f -> f.toString().endsWith(".tgz")).findFirst().orElseThrow();
    }
    Map<String, String> entries = TarGz.read(tgz);
    for (String file : CRD_FILES) {
      assertThat(entries).containsKey("tributary/crds/" + file);
      assertThat(entries.get("tributary/crds/" + file))
          .isEqualTo(Files.readString(CRDS.resolve(file)));
    }
  }

  /**
   * config/manager/operator.yaml is the chart rendered with its defaults: the golden file of the
   * default values (ChartValuesTest has the other combinations).
   */
  @Test
  void kustomizeCopyIsTheRenderedChart() throws IOException {
    String rendered = Chart.template(Map.of());
    if (Boolean.getBoolean("golden.update")) Files.writeString(KUSTOMIZE_COPY, rendered);
    assertThat(Files.readString(KUSTOMIZE_COPY))
        .as(
            "config/manager/operator.yaml is stale: run the operator tests with -Dgolden.update=true")
        .isEqualTo(rendered);
  }
}

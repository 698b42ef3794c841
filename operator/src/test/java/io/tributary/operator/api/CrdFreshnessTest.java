package io.tributary.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs in crds/ are what the generator makes of the api types, with one change: printer columns
 * in the order the api class declares them (the generator sorts them by JSON path, which would put
 * AGE first). {@code -Dcrds.update=true} rewrites the committed files. crds/ is the one committed
 * copy: the chart's crds/ is a link to it (ChartTest checks Helm reads the CRDs through it).
 */
class CrdFreshnessTest {
  private static final Path GENERATED = Path.of("target/crds");
  private static final Path COMMITTED = Path.of("../crds");
  private static final Path CHART_CRDS = Path.of("../charts/tributary/crds");
  private static final Map<String, Class<?>> KINDS =
      Map.of(
          "computepools.tributary.io-v1.yml", ComputePool.class,
          "dataendpoints.tributary.io-v1.yml", io.tributary.operator.api.DataEndpoint.class,
          "datapipelines.tributary.io-v1.yml", DataPipeline.class,
          "streamjobs.tributary.io-v1.yml", StreamJob.class,
          "transformsets.tributary.io-v1.yml", TransformSet.class);
  private static final String FIX =
      "CRDs are stale: run `mvn -pl operator -am test -Dtest=CrdFreshnessTest -Dcrds.update=true`"
          + " and commit crds/";

  static Stream<String> crdFiles() throws IOException {
    try (Stream<Path> files = Files.list(GENERATED)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  /** The committed form of a generated CRD. */
  static String committedForm(String generated, Class<?> kind) {
    CustomResourceDefinition crd =
        Serialization.unmarshal(generated, CustomResourceDefinition.class);
    List<String> declared =
        Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    crd.getSpec()
        .getVersions()
        .forEach(
            v ->
                v.getAdditionalPrinterColumns()
                    .sort(
                        Comparator.comparingInt(
                            (CustomResourceColumnDefinition c) -> declared.indexOf(c.getName()))));
    return "# Generated from io.tributary.operator.api."
        + kind.getSimpleName()
        + " by the Fabric8 CRD generator (see CrdFreshnessTest). Do not edit.\n"
        + Serialization.asYaml(crd);
  }

  @ParameterizedTest
  @MethodSource("crdFiles")
  void committedCrdMatchesGenerated(String file) throws IOException {
    String expected = committedForm(Files.readString(GENERATED.resolve(file)), KINDS.get(file));
    Path committed = COMMITTED.resolve(file);
    if (Boolean.getBoolean("crds.update")) Files.writeString(committed, expected);
    assertThat(committed).as(FIX).exists();
    assertThat(Files.readString(committed)).as(FIX + " (" + committed + ")").isEqualTo(expected);
  }

  @Test
  void theChartHasNoCopyOfItsOwnButALinkToCrds() throws IOException {
    assertThat(Files.isSymbolicLink(CHART_CRDS))
        .as("charts/tributary/crds must be a link to ../../crds, not a second copy")
        .isTrue();
    assertThat(Files.readSymbolicLink(CHART_CRDS)).isEqualTo(Path.of("../../crds"));
    assertThat(CHART_CRDS.toRealPath()).isEqualTo(COMMITTED.toRealPath());
  }

  @ParameterizedTest
  @MethodSource("crdFiles")
  void crdStaysUnderTheSizeArgoCdAndEtcdAreHappyWith(String file) throws IOException {
    // What counts is the object as the API server stores it and as client-side apply (Argo CD's
    // default) copies it into the last-applied-configuration annotation: compact JSON, not this
    // YAML. Annotations may hold 256 KiB in all; half of it leaves room for the rest.
    CustomResourceDefinition crd =
        Serialization.unmarshal(
            Files.readString(GENERATED.resolve(file)), CustomResourceDefinition.class);
    assertThat(Serialization.asJson(crd).length()).isLessThan(128 * 1024);
  }

  @Test
  void printerColumnsKeepTheDeclaredOrder() throws IOException {
    String sj = Files.readString(Path.of("../crds/streamjobs.tributary.io-v1.yml"));
    CustomResourceDefinition crd = Serialization.unmarshal(sj, CustomResourceDefinition.class);
    assertThat(crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns())
        .extracting(CustomResourceColumnDefinition::getName)
        .containsExactly("Ready", "Lag", "Guarantee", "Status", "Age");
  }

  @Test
  void fourCrdsAreGenerated() throws IOException {
    assertThat(crdFiles()).containsExactlyElementsOf(KINDS.keySet().stream().sorted().toList());
  }
}

package io.tributary.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.ResidencySpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.FilesSource;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The residency decision table: the namespace label, the pipeline's own region and the regions of
 * its source, sink and pool, against the fields the operator refuses. "-" is an unset value.
 */
class ResidencyPolicyTest {
  private static final String UAE = "me-central-1";
  private static final String EU = "eu-west-1";

  @ParameterizedTest(name = "ns={0} spec={1} source={2} sink={3} pool={4} -> {5}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # namespace   | spec         | source       | sink         | pool         | refused fields
          -             | -            | -            | -            | -            | -
          -             | -            | eu-west-1    | me-central-1 | us-east-1    | -
          me-central-1  | -            | -            | -            | -            | -
          me-central-1  | me-central-1 | me-central-1 | me-central-1 | me-central-1 | -
          me-central-1  | eu-west-1    | -            | -            | -            | spec.residency.region
          me-central-1  | eu-west-1    | eu-west-1    | eu-west-1    | eu-west-1    | spec.residency.region spec.source.region spec.sink.region spec.compute.pool
          me-central-1  | -            | eu-west-1    | -            | -            | spec.source.region
          me-central-1  | -            | -            | eu-west-1    | -            | spec.sink.region
          me-central-1  | -            | -            | -            | eu-west-1    | spec.compute.pool
          me-central-1  | me-central-1 | -            | eu-west-1    | -            | spec.sink.region
          me-central-1  | eu-west-1    | me-central-1 | me-central-1 | me-central-1 | spec.residency.region
          -             | me-central-1 | -            | -            | -            | -
          -             | me-central-1 | eu-west-1    | -            | -            | spec.source.region
          -             | me-central-1 | -            | eu-west-1    | -            | spec.sink.region
          -             | me-central-1 | -            | -            | eu-west-1    | spec.compute.pool
          -             | eu-west-1    | me-central-1 | me-central-1 | me-central-1 | spec.source.region spec.sink.region spec.compute.pool
          """)
  void refusesEveryFieldThatNamesAnotherRegionThanTheAuthoritativeOne(
      String namespace, String spec, String source, String sink, String pool, String refused) {
    ResidencyPolicy.Residency residency =
        ResidencyPolicy.Residency.of(
            unset(spec) == null ? null : new ResidencySpec(spec), unset(namespace));
    List<String> violations =
        ResidencyPolicy.violations(
            residency,
            unset(source) == null ? null : source(source),
            unset(sink) == null ? null : sink(sink),
            unset(pool) == null ? null : "pool-" + pool,
            unset(pool));
    List<String> expected = unset(refused) == null ? List.of() : List.of(refused.split(" "));
    assertThat(violations.stream().map(v -> v.substring(0, v.indexOf(' '))))
        .containsExactlyElementsOf(expected);
  }

  @ParameterizedTest
  @CsvSource({"me-central-1, eu-west-1", "eu-west-1, me-central-1", "me-central-1, ' '"})
  void theLabelWinsOverTheSpecAndEveryWorkerIsPinnedToIt(String label, String declared) {
    ResidencyPolicy.Residency residency =
        ResidencyPolicy.Residency.of(new ResidencySpec(declared), label);
    assertThat(residency.region()).contains(label);
  }

  @org.junit.jupiter.api.Test
  void theMessageNamesTheFieldBothRegionsAndTheFix() {
    assertThat(
            ResidencyPolicy.violations(
                ResidencyPolicy.Residency.of(new ResidencySpec(EU), UAE), null, null, null, null))
        .containsExactly(
            "spec.residency.region is eu-west-1 but the namespace's label tributary.io/residency"
                + " is me-central-1, and the label wins: set spec.residency.region to me-central-1"
                + " or remove it");
    assertThat(
            ResidencyPolicy.violations(
                ResidencyPolicy.Residency.of(null, UAE), null, sink(EU), null, null))
        .containsExactly(
            "spec.sink.region is eu-west-1 but the data must stay in me-central-1: write to a"
                + " sink in me-central-1");
  }

  private static String unset(String value) {
    return value == null || value.equals("-") ? null : value;
  }

  private static SourceSpec source(String region) {
    return SourceSpec.of(new FilesSource("/lake/raw/*.jsonl", FileFormat.JSONL, null))
        .inRegion(region);
  }

  private static SinkSpec sink(String region) {
    return SinkSpec.of(new LakeSink("/lake/out", FileFormat.PARQUET, null)).inRegion(region);
  }
}

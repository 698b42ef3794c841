package io.tributary.operator.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validator reports what the API server reports, in its words (checked against a v1.34
 * kube-apiserver when the messages were written), for each schema feature of a small test CRD.
 */
class CrdSchemaValidatorTest {
  private static final CrdSchemaValidator WIDGETS =
      CrdSchemaValidator.load(Path.of("src/test/resources/schema/widgets.example.io.yaml"));

  private static String widget(String spec) {
    return """
        apiVersion: example.io/v1
        kind: Widget
        metadata: {name: w, namespace: default}
        spec:
        """
        + spec.indent(2);
  }

  @Test
  void aValidObjectHasNoViolations() {
    assertThat(
            WIDGETS.validate(
                widget(
                    """
                    name: abc
                    color: red
                    min: 1
                    max: 10
                    ratio: 0.25
                    enabled: true
                    labels: {team: risk}
                    parts: [{id: a, size: 2}]
                    """)))
        .isEmpty();
  }

  @Test
  void readsTheCrdIdentity() {
    assertThat(WIDGETS.kind()).isEqualTo("Widget");
    assertThat(WIDGETS.apiVersion()).isEqualTo("example.io/v1");
    assertThat(WIDGETS.namespaced()).isTrue();
  }

  @Test
  void missingRequiredFieldIsRequiredValue() {
    assertThat(WIDGETS.validate(widget("color: red")))
        .containsExactly(
            "spec.name: Required value", "<nil>: " + CrdSchemaValidator.RULES_NOT_CHECKED);
  }

  @Test
  void wrongTypeUsesTheApiServerWording() {
    assertThat(WIDGETS.validate(widget("name: abc\nmin: \"one\"")))
        .contains(
            "spec.min: Invalid value: \"string\": spec.min in body must be of type integer:"
                + " \"string\"");
    assertThat(WIDGETS.validate(widget("name: abc\nmin: 1.5")))
        .contains(
            "spec.min: Invalid value: \"number\": spec.min in body must be of type integer:"
                + " \"number\"");
    assertThat(WIDGETS.validate(widget("name: abc\nenabled: \"yes\"")))
        .contains(
            "spec.enabled: Invalid value: \"string\": spec.enabled in body must be of type"
                + " boolean: \"string\"");
  }

  @Test
  void intOrStringTakesEitherAndNothingElse() {
    assertThat(WIDGETS.validate(widget("name: abc\nquantity: 2"))).isEmpty();
    assertThat(WIDGETS.validate(widget("name: abc\nquantity: 2Gi"))).isEmpty();
    assertThat(WIDGETS.validate(widget("name: abc\nquantity: true")))
        .contains(
            "spec.quantity: Invalid value: \"boolean\": spec.quantity in body must be of type"
                + " integer,string: \"boolean\"");
  }

  @Test
  void enumPatternAndLengths() {
    assertThat(WIDGETS.validate(widget("name: abc\ncolor: blue")))
        .contains("spec.color: Unsupported value: \"blue\": supported values: \"red\", \"green\"");
    assertThat(WIDGETS.validate(widget("name: Abc")))
        .containsExactly(
            "spec.name: Invalid value: \"Abc\": spec.name in body should match '^[a-z]+$'");
    assertThat(WIDGETS.validate(widget("name: a")))
        .containsExactly(
            "spec.name: Invalid value: \"a\": spec.name in body should be at least 2 chars long");
    assertThat(WIDGETS.validate(widget("name: abcdefghij")))
        .contains("spec.name: Too long: may not be more than 8 bytes");
  }

  @Test
  void numericBounds() {
    assertThat(WIDGETS.validate(widget("name: abc\nmin: -1")))
        .containsExactly(
            "spec.min: Invalid value: -1: spec.min in body should be greater than or equal to 0");
    assertThat(WIDGETS.validate(widget("name: abc\nmax: 11")))
        .containsExactly(
            "spec.max: Invalid value: 11: spec.max in body should be less than or equal to 10");
  }

  @Test
  void listAndMapSizesAndItems() {
    assertThat(WIDGETS.validate(widget("name: abc\nparts: []")))
        .containsExactly(
            "spec.parts: Invalid value: 0: spec.parts in body should have at least 1 items");
    assertThat(WIDGETS.validate(widget("name: abc\nparts: [{id: a}, {id: b}, {id: c}]")))
        .contains("spec.parts: Too many: 3: must have at most 2 items");
    assertThat(WIDGETS.validate(widget("name: abc\nparts: [{id: a}, {size: 2}]")))
        .contains("spec.parts[1].id: Required value");
    assertThat(WIDGETS.validate(widget("name: abc\nlabels: {}")))
        .containsExactly(
            "spec.labels: Invalid value: 0: spec.labels in body should have at least 1"
                + " properties");
    assertThat(WIDGETS.validate(widget("name: abc\nlabels: {team: payments}")))
        .contains("spec.labels.team: Too long: may not be more than 5 bytes");
  }

  @Test
  void unknownFieldsAreErrorsNotPruned() {
    assertThat(WIDGETS.validate(widget("name: abc\ncolour: red")))
        .containsExactly("spec.colour: unknown field \"spec.colour\"");
    assertThat(WIDGETS.validate(widget("name: abc\nparts: [{id: a, sise: 2}]")))
        .containsExactly("spec.parts[0].sise: unknown field \"spec.parts[0].sise\"");
  }

  @Test
  void nullValuesAreDroppedLikeTheApiServerDoes() {
    assertThat(WIDGETS.validate(widget("name: abc\ncolor: null"))).isEmpty();
  }

  @Test
  void celRuleFalseReportsItsMessageAtFieldPath() {
    assertThat(WIDGETS.validate(widget("name: abc\nmin: 9\nmax: 3")))
        .containsExactly("spec.min: spec.min: must be <= spec.max");
  }

  @Test
  void celRulesOfListItemsAreReportedPerItem() {
    assertThat(WIDGETS.validate(widget("name: abc\nparts: [{id: a, size: 2}, {id: b, size: 3}]")))
        .containsExactly("spec.parts[1]: parts[].size: use an even size");
  }

  @Test
  void numbersAreDoublesAndMessageExpressionsAreEvaluated() {
    // ratio is declared number: CEL sees a double even when it is written as an integer.
    assertThat(WIDGETS.validate(widget("name: abc\nratio: 0"))).isEmpty();
    assertThat(WIDGETS.validate(widget("name: abc\nratio: 0.75")))
        .containsExactly("spec: spec.ratio: must be below 0.5");
    assertThat(WIDGETS.validate(widget("name: abc\nratio: 50")))
        .containsExactly("spec: spec.ratio: use a fraction, not a percentage");
  }

  @Test
  void celRulesAreSkippedWhenSchemaErrorsBlockThem() {
    assertThat(WIDGETS.validate(widget("name: abc\ncolor: blue\nmin: 9\nmax: 3")))
        .containsExactly(
            "spec.color: Unsupported value: \"blue\": supported values: \"red\", \"green\"",
            "<nil>: " + CrdSchemaValidator.RULES_NOT_CHECKED);
  }

  @Test
  void nonBlockingSchemaErrorsStillLetRulesRun() {
    assertThat(WIDGETS.validate(widget("name: ABC\nmin: 9\nmax: 3")))
        .containsExactly(
            "spec.name: Invalid value: \"ABC\": spec.name in body should match '^[a-z]+$'",
            "spec.min: spec.min: must be <= spec.max");
  }

  @Test
  void identityAndMetadataAreChecked() {
    String wrong =
        """
        apiVersion: example.io/v2
        kind: Gadget
        metadata: {namespace: default}
        spec: {name: abc}
        """;
    assertThat(WIDGETS.validate(wrong))
        .contains(
            "apiVersion: must be example.io/v1",
            "kind: must be Widget",
            "metadata.name: Required value");
  }

  @Test
  void aRuleNamingAnUndeclaredFieldFailsLikeTheApiServerRefusingTheCrd(@TempDir Path dir)
      throws IOException {
    Path crd = dir.resolve("crd.yaml");
    Files.writeString(
        crd,
        Files.readString(Path.of("src/test/resources/schema/widgets.example.io.yaml"))
            .replace("self.size % 2 == 0", "self.sise % 2 == 0"));
    CrdSchemaValidator typo = CrdSchemaValidator.load(crd);
    assertThatThrownBy(() -> typo.validate(widget("name: abc\nparts: [{id: a, size: 2}]")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("self.sise");
  }

  @Test
  void refusesACrdUsingAKeywordItCannotCheck(@TempDir Path dir) throws IOException {
    Path crd = dir.resolve("crd.yaml");
    Files.writeString(
        crd,
        Files.readString(Path.of("src/test/resources/schema/widgets.example.io.yaml"))
            .replace("maxItems: 2", "maxItems: 2\n                uniqueItems: true"));
    assertThatThrownBy(() -> CrdSchemaValidator.load(crd))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.parts: schema keyword 'uniqueItems' is not supported");
  }
}

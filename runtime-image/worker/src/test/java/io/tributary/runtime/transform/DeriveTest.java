package io.tributary.runtime.transform;

import static io.tributary.runtime.transform.Plans.chain;
import static io.tributary.runtime.transform.Plans.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.runtime.PlanException;
import org.junit.jupiter.api.Test;

class DeriveTest {
  private static final String SCHEMA =
      "{\"fields\":[{\"name\":\"amount\",\"type\":\"number\"},{\"name\":\"email\",\"type\":\"string\"}]}";

  @Test
  void deriveAddsFieldsAndLaterFieldsSeeEarlierOnes() {
    TransformChain c =
        chain(
            "[{\"derive\":{\"fields\":[{\"name\":\"aed\",\"expression\":\"amount * 3.67\"},"
                + "{\"name\":\"big\",\"expression\":\"aed > 100\"}]}}]",
            SCHEMA);
    var out = run(c, "{\"amount\":100,\"email\":\"a@b.c\"}").get(0);
    assertThat(out.get("aed").doubleValue()).isEqualTo(367.0);
    assertThat(out.get("big").booleanValue()).isTrue();
    assertThat(out.get("email").textValue()).isEqualTo("a@b.c");
  }

  @Test
  void aFieldReferencingAMissingFieldIsLeftUnset() {
    TransformChain c =
        chain(
            "[{\"derive\":{\"fields\":[{\"name\":\"domain\",\"expression\":\"email.split('@')[1]\"},"
                + "{\"name\":\"one\",\"expression\":\"1\"}]}}]",
            SCHEMA);
    var out = run(c, "{\"amount\":3}").get(0);
    assertThat(out.has("domain")).isFalse();
    assertThat(out.get("one").longValue()).isEqualTo(1L);
  }

  @Test
  void mapProjectsOnlyTheComputedFields() {
    TransformChain c =
        chain(
            "[{\"map\":{\"fields\":[{\"name\":\"e\",\"expression\":\"email.upperAscii()\"},"
                + "{\"name\":\"n\",\"expression\":\"size(e)\"}]}}]",
            SCHEMA);
    var out = run(c, "{\"amount\":3,\"email\":\"ü@x.io\"}").get(0);
    assertThat(out.fieldNames()).toIterable().containsExactly("e", "n");
    assertThat(out.get("n").longValue()).isEqualTo(6L);
  }

  @Test
  void afterAMapOnlyItsFieldsAreKnown() {
    assertThatThrownBy(
            () ->
                chain(
                    "[{\"map\":{\"fields\":[{\"name\":\"e\",\"expression\":\"email\"}]}},"
                        + "{\"filter\":{\"expression\":\"amount > 1\"}}]",
                    SCHEMA))
        .isInstanceOf(PlanException.class)
        .hasMessageStartingWith("transforms[1].filter.expression: CEL refers to 'amount'");
  }

  @Test
  void anEvaluationErrorRejectsTheRecord() {
    TransformChain c =
        chain("[{\"derive\":{\"fields\":[{\"name\":\"x\",\"expression\":\"amount / 0\"}]}}]", null);
    assertThatThrownBy(() -> run(c, "{\"amount\":3}"))
        .isInstanceOfSatisfying(
            RejectedRecordException.class, e -> assertThat(e.reason()).contains("field 'x'"));
  }

  @Test
  void nullsAndNestedValuesConvertBothWays() {
    TransformChain c =
        chain(
            "[{\"derive\":{\"fields\":[{\"name\":\"isNull\",\"expression\":\"v == null\"},"
                + "{\"name\":\"first\",\"expression\":\"o.items[0]\"},"
                + "{\"name\":\"ts\",\"expression\":\"timestamp('2024-05-01T10:00:00Z')\"}]}}]",
            null);
    var out = run(c, "{\"v\":null,\"o\":{\"items\":[{\"k\":1}]}}").get(0);
    assertThat(out.get("isNull").booleanValue()).isTrue();
    assertThat(out.get("first").get("k").longValue()).isEqualTo(1L);
    assertThat(out.get("ts").textValue()).isEqualTo("2024-05-01T10:00:00Z");
  }

  @Test
  void aBadFieldNameOrExpressionFailsCompilation() {
    assertThatThrownBy(
            () ->
                chain(
                    "[{\"name\":\"calc\",\"derive\":{\"fields\":[{\"name\":\"x\",\"expression\":\"1 +\"}]}}]",
                    null))
        .isInstanceOf(PlanException.class)
        .hasMessageStartingWith("transforms[0].derive.fields[0].expression: CEL does not parse");
  }
}

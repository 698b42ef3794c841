package io.tributary.runtime.transform;

import static io.tributary.runtime.transform.Plans.chain;
import static io.tributary.runtime.transform.Plans.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.runtime.PlanException;
import org.junit.jupiter.api.Test;

class NormalizeTest {
  private static TransformChain normalize(String rules) {
    return chain("[{\"normalize\":{\"rules\":" + rules + "}}]", null);
  }

  @Test
  void trimsChangesCaseAndComposesUnicode() {
    TransformChain c =
        normalize("[{\"field\":\"name\",\"trim\":true,\"unicodeNfc\":true,\"toCase\":\"upper\"}]");
    // "e" + combining acute accent becomes the single code point É.
    var out = run(c, "{\"name\":\"  cafe\\u0301 \"}").get(0);
    assertThat(out.get("name").textValue()).isEqualTo("CAF\u00c9");
    assertThat(out.get("name").textValue().length()).isEqualTo(4);
  }

  @Test
  void parsesNumbersWithThousandsSeparatorsAndScales() {
    TransformChain c = normalize("[{\"field\":\"w\",\"number\":true,\"scale\":0.001}]");
    assertThat(run(c, "{\"w\":\" 1,234.50 \"}").get(0).get("w").doubleValue()).isEqualTo(1.2345);
    assertThat(run(c, "{\"w\":2000}").get(0).get("w").isIntegralNumber()).isTrue();
    assertThat(
            run(normalize("[{\"field\":\"n\",\"number\":true}]"), "{\"n\":\"42\"}")
                .get(0)
                .get("n")
                .longValue())
        .isEqualTo(42L);
  }

  @Test
  void writesTimestampsAsIsoUtc() {
    TransformChain c = normalize("[{\"field\":\"t\",\"timestamp\":true}]");
    assertThat(run(c, "{\"t\":\"2024-05-01T14:00:00+04:00\"}").get(0).get("t").textValue())
        .isEqualTo("2024-05-01T10:00:00Z");
    assertThat(run(c, "{\"t\":1714557600000}").get(0).get("t").textValue())
        .isEqualTo("2024-05-01T10:00:00Z");
    assertThat(run(c, "{\"t\":\"2024-05-01\"}").get(0).get("t").textValue())
        .isEqualTo("2024-05-01T00:00:00Z");
    TransformChain pattern =
        normalize(
            "[{\"field\":\"t\",\"timestamp\":true,\"timestampPattern\":\"dd/MM/yyyy HH:mm\"}]");
    assertThat(run(pattern, "{\"t\":\"01/05/2024 10:30\"}").get(0).get("t").textValue())
        .isEqualTo("2024-05-01T10:30:00Z");
  }

  @Test
  void missingAndNullFieldsAreLeftAlone() {
    TransformChain c = normalize("[{\"field\":\"x\",\"trim\":true,\"number\":true}]");
    assertThat(run(c, "{\"y\":1}").get(0).has("x")).isFalse();
    assertThat(run(c, "{\"x\":null}").get(0).get("x").isNull()).isTrue();
  }

  @Test
  void wrongTypesAreRejectedNamingTheField() {
    assertThatThrownBy(() -> run(normalize("[{\"field\":\"x\",\"trim\":true}]"), "{\"x\":5}"))
        .isInstanceOfSatisfying(
            RejectedRecordException.class,
            e -> assertThat(e.reason()).contains("field 'x'").contains("trim needs a string"));
    assertThatThrownBy(
            () -> run(normalize("[{\"field\":\"x\",\"number\":true}]"), "{\"x\":\"abc\"}"))
        .isInstanceOf(RejectedRecordException.class);
    assertThatThrownBy(() -> run(normalize("[{\"field\":\"x\",\"scale\":2}]"), "{\"x\":\"3\"}"))
        .isInstanceOfSatisfying(
            RejectedRecordException.class, e -> assertThat(e.reason()).contains("number: true"));
    assertThatThrownBy(
            () -> run(normalize("[{\"field\":\"x\",\"timestamp\":true}]"), "{\"x\":\"soon\"}"))
        .isInstanceOf(RejectedRecordException.class);
  }

  @Test
  void aBadPatternIsAPlanError() {
    assertThatThrownBy(
            () -> normalize("[{\"field\":\"t\",\"timestamp\":true,\"timestampPattern\":\"{{\"}]"))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining("timestampPattern");
  }

  @org.junit.jupiter.api.Test
  void longTextChangesCaseLikeTheJdkButInLinearTime() {
    String mixed =
        ("ΟΔΟΣ İstanbul STRASSE straße \uD83D\uDE00 Ünïcödé ".repeat(40)
            + "İ".repeat(3000)
            + "ΣΑΣ");
    org.assertj.core.api.Assertions.assertThat(NormalizeStep.changeCase(mixed, true))
        .isEqualTo(mixed.toLowerCase(java.util.Locale.ROOT));
    org.assertj.core.api.Assertions.assertThat(NormalizeStep.changeCase(mixed, false))
        .isEqualTo(mixed.toUpperCase(java.util.Locale.ROOT));
  }
}

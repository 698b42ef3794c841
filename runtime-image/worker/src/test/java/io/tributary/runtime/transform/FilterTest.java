package io.tributary.runtime.transform;

import static io.tributary.runtime.transform.Plans.chain;
import static io.tributary.runtime.transform.Plans.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.runtime.PlanException;
import org.junit.jupiter.api.Test;

class FilterTest {
  private static final String SCHEMA =
      "{\"fields\":[{\"name\":\"amount\",\"type\":\"number\"},{\"name\":\"country\",\"type\":\"string\"},"
          + "{\"name\":\"tags\",\"type\":\"array\"}]}";

  private static TransformChain filter(String expr, String schema) {
    return chain("[{\"filter\":{\"expression\":\"" + expr + "\"}}]", schema);
  }

  @Test
  void comparesIntegersAndDoublesAlike() {
    TransformChain c = filter("amount > 100", SCHEMA);
    assertThat(run(c, "{\"amount\":150}")).hasSize(1);
    assertThat(run(c, "{\"amount\":100.5}")).hasSize(1);
    assertThat(run(c, "{\"amount\":99.9}")).isEmpty();
    assertThat(run(filter("amount > 100.0", SCHEMA), "{\"amount\":101}")).hasSize(1);
  }

  @Test
  void aRecordMissingAReferencedFieldIsDroppedNotFailed() {
    TransformChain c = filter("amount > 100 || country == 'AE'", SCHEMA);
    assertThat(run(c, "{\"country\":\"AE\"}")).isEmpty();
    assertThat(run(c, "{\"amount\":500,\"country\":\"FR\"}")).hasSize(1);
  }

  @Test
  void aNullOrWrongTypedFieldIsRejectedWithTheStep() {
    TransformChain c = filter("amount > 100", SCHEMA);
    assertThatThrownBy(() -> run(c, "{\"amount\":null}"))
        .isInstanceOfSatisfying(
            RejectedRecordException.class,
            e -> {
              assertThat(e.step()).isZero();
              assertThat(e.stepName()).isEqualTo("filter-0");
              assertThat(e.reason()).contains("filter expression failed");
            });
    assertThatThrownBy(() -> run(c, "{\"amount\":\"lots\"}"))
        .isInstanceOf(RejectedRecordException.class);
  }

  @Test
  void stringFunctionsAndUnicodeWork() {
    TransformChain c = filter("country.lowerAscii() == 'ae' && size(country) == 2", SCHEMA);
    assertThat(run(c, "{\"country\":\"AE\"}")).hasSize(1);
    TransformChain arabic = filter("country == 'الإمارات'", null);
    assertThat(run(arabic, "{\"country\":\"الإمارات\"}")).hasSize(1);
    assertThat(run(arabic, "{\"country\":\"UAE\"}")).isEmpty();
  }

  @Test
  void comprehensionVariablesAreNotRecordFields() {
    TransformChain c = filter("tags.exists(t, t == 'vip')", SCHEMA);
    assertThat(run(c, "{\"tags\":[\"new\",\"vip\"]}")).hasSize(1);
    assertThat(run(c, "{\"tags\":[]}")).isEmpty();
  }

  @Test
  void withoutASchemaAnyFieldMayBeReferenced() {
    TransformChain c = filter("vip == true", null);
    assertThat(run(c, "{\"vip\":true}")).hasSize(1);
    assertThat(run(c, "{\"other\":1}")).isEmpty();
  }

  @Test
  void anUnknownFieldFailsCompilationNamingStepAndField() {
    assertThatThrownBy(() -> filter("amout > 100", SCHEMA))
        .isInstanceOf(PlanException.class)
        .hasMessageStartingWith("transforms[0].filter.expression: CEL refers to 'amout'");
  }

  @Test
  void syntaxErrorsAndNonBoolExpressionsFailCompilation() {
    assertThatThrownBy(() -> filter("amount > ", SCHEMA))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining("transforms[0]")
        .hasMessageContaining("CEL");
    assertThatThrownBy(() -> filter("'a' + 'b'", SCHEMA))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining("does not yield a bool");
  }
}

package io.tributary.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.plan.CelEnvironment.Result;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CelEnvironmentTest {
  private static final Set<String> FIELDS = Set.of("name", "amount", "tags", "country");

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          name.lowerAscii() == 'ada'                     | BOOL
          name.split(' ').size() > 1                     | BOOL
          math.greatest(amount, 10.0) > 100              | BOOL
          amount > 100                                   | BOOL
          tags.exists(t, t == 'vip')                     | BOOL
          country in ['AE', 'SA'] && amount >= 1.5       | BOOL
          amount * 3.67                                  | ANY
          name.upperAscii() + '-' + country              | ANY
          int(amount) / 2                                | ANY
          """)
  void acceptsWhatTheWorkerEvaluates(String expression, Result result) {
    CelEnvironment.Compiled c = CelEnvironment.compile(expression, FIELDS, result);
    assertThat(c.program()).isNotNull();
    assertThat(FIELDS).containsAll(c.fields());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          amont > 1             | BOOL | CEL refers to 'amont', which is not a field here (known fields: [amount, country, name, tags]); fix the name or add the field to spec.schema
          amount >              | BOOL | CEL does not parse: <input>:1:9: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}
          size(name) + 'x'      | ANY  | CEL does not compile: <input>:1:12: found no matching overload for '_+_' applied to '(int, string)'
          'a' + 'b'             | BOOL | the filter expression does not yield a bool (it yields string); compare, e.g. x > 0
          name.noSuchFn()       | ANY  | CEL does not compile: <input>:1:14: undeclared reference to 'noSuchFn' (in container '')
          """)
  void refusesWithAMessageThatSaysTheFix(String expression, Result result, String message) {
    assertThatThrownBy(() -> CelEnvironment.compile(expression, FIELDS, result))
        .isInstanceOf(CelEnvironment.InvalidExpression.class)
        .hasMessage(message);
  }

  @Test
  void unknownFieldsAcceptAnyIdentifierButStillTypeCheck() {
    assertThat(CelEnvironment.compile("whatever > 1", null, Result.BOOL).fields())
        .containsExactly("whatever");
    assertThatThrownBy(() -> CelEnvironment.compile("'a' + 'b'", null, Result.BOOL))
        .hasMessageContaining("does not yield a bool");
    assertThatThrownBy(() -> CelEnvironment.compile(" ", null, Result.ANY))
        .hasMessage("the CEL expression is empty");
  }

  @Test
  void fieldsReadSkipComprehensionVariablesTypeNamesAndStrings() {
    assertThat(CelEnvironment.fieldsReadBy("tags.exists(t, t == name) && int(amount) > 0"))
        .containsExactly("tags", "name", "amount");
    assertThat(CelEnvironment.fieldsReadBy("'amount' + x")).containsExactly("x");
    assertThat(CelEnvironment.fieldsReadBy("((")).isEmpty();
  }

  @Test
  void theRuntimeComparesIntWithDouble() throws Exception {
    var program = CelEnvironment.compile("amount > 100", FIELDS, Result.BOOL).program();
    assertThat(program.eval(Map.of("amount", 150L))).isEqualTo(true);
    assertThat(program.eval(Map.of("amount", 99.5))).isEqualTo(false);
  }
}

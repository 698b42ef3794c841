package io.tributary.plan;

import static io.tributary.plan.Specs.aggregate;
import static io.tributary.plan.Specs.derive;
import static io.tributary.plan.Specs.filter;
import static io.tributary.plan.Specs.map;
import static io.tributary.plan.Specs.mask;
import static io.tributary.plan.Specs.normalizeNumber;
import static io.tributary.plan.Specs.schema;
import static io.tributary.plan.Specs.validate;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.transform.MaskTransform.Method;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FieldFlowTest {
  private static final SchemaSpec ORDERS =
      schema("id:string", "email:string", "amount:number", "qty:integer");
  private static final SchemaSpec JSON_SCHEMA_ONLY =
      new SchemaSpec(ORDERS.fields(), "{\"type\":\"object\"}");

  /**
   * What leaves the chain: visible fields ("?" = unknown), number fields, masked fields
   * (field=method), dropped fields.
   */
  static Stream<Arguments> outputs() {
    return Stream.of(
        row("no schema: unknown, nothing typed", null, List.of(), "?", "", "", ""),
        row(
            "schema fields: known and typed",
            ORDERS,
            List.of(),
            "id email amount qty",
            "amount",
            "",
            ""),
        row(
            "jsonSchema: fields unknown, types still from the list",
            JSON_SCHEMA_ONLY,
            List.of(),
            "?",
            "amount",
            "",
            ""),
        row(
            "filter, validate, normalize keep fields",
            ORDERS,
            List.of(validate(), filter("amount > 1"), normalizeNumber("qty")),
            "id email amount qty",
            "amount",
            "",
            ""),
        row(
            "derive adds; a computed field has its expression's type, where the checker knows it",
            ORDERS,
            List.of(derive("aed=amount * 3.67", "amount=amount * 2")),
            "id email amount qty aed",
            "aed",
            "",
            ""),
        row(
            "map replaces the record; what it leaves out is dropped",
            ORDERS,
            List.of(map("who=email", "total=amount")),
            "who total",
            "total",
            "",
            "id email amount qty"),
        row("map makes unknown fields known", null, List.of(map("x=a + b")), "x", "", "", ""),
        row(
            "mask marks the field and makes it text",
            ORDERS,
            List.of(mask("amount", Method.GENERALIZE), mask("email", Method.HMAC)),
            "id email amount qty",
            "",
            "amount=GENERALIZE email=HMAC",
            ""),
        row(
            "mask drop removes the field",
            ORDERS,
            List.of(mask("email", Method.DROP)),
            "id amount qty",
            "amount",
            "",
            "email"),
        row(
            "mask drop is known even when the fields are not",
            null,
            List.of(mask("email", Method.TOKENIZE), mask("ssn", Method.DROP)),
            "?",
            "",
            "email=TOKENIZE",
            "ssn"),
        row(
            "masking a field the record cannot have marks nothing",
            ORDERS,
            List.of(mask("phone", Method.REDACT)),
            "id email amount qty",
            "amount",
            "",
            ""),
        row(
            "a derive overwriting a masked field unmasks it",
            ORDERS,
            List.of(mask("email", Method.REDACT), derive("email=id")),
            "id email amount qty",
            "amount",
            "",
            ""),
        row(
            "deriving a dropped field brings it back",
            ORDERS,
            List.of(mask("email", Method.DROP), derive("email='x'")),
            "id amount qty email",
            "amount",
            "",
            ""),
        row(
            "aggregate: keys, window, aggregates; sums are numbers, counts not",
            ORDERS,
            List.of(mask("id", Method.TOKENIZE), aggregate("id", "amount")),
            "id window_start window_end sum n",
            "sum",
            "id=TOKENIZE",
            "email amount qty"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outputs")
  void output(
      String name,
      SchemaSpec schema,
      List<TransformSpec> steps,
      String visible,
      String numbers,
      String masked,
      String dropped) {
    FieldFlow.Fields out = FieldFlow.of(schema, steps).output();
    assertThat(out.known() ? String.join(" ", out.visible()) : "?").isEqualTo(visible);
    assertThat(String.join(" ", out.numbers())).isEqualTo(numbers);
    assertThat(
            out.masked().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")))
        .isEqualTo(masked);
    assertThat(String.join(" ", out.dropped())).isEqualTo(dropped);
  }

  /** What each field of one derive step sees: the input plus the fields computed before it. */
  static Stream<Arguments> scopes() {
    return Stream.of(
        Arguments.of(0, "id email amount qty", "amount"),
        Arguments.of(1, "id email amount qty aed", "amount aed"),
        // "amount" was recomputed by field 1 from aed: field 2 sees it with aed's type.
        Arguments.of(2, "id email amount qty aed", "aed amount"));
  }

  @ParameterizedTest(name = "derive field {0}")
  @MethodSource("scopes")
  void laterComputedFieldsSeeEarlierOnes(int field, String visible, String numbers) {
    FieldFlow flow =
        FieldFlow.of(
            ORDERS,
            List.of(filter("true"), derive("aed=amount * 3.67", "amount=aed", "x=amount + aed")));
    FieldFlow.Fields seen = flow.seenByComputedField(1, field);
    assertThat(String.join(" ", seen.visible())).isEqualTo(visible);
    assertThat(String.join(" ", seen.numbers())).isEqualTo(numbers);
  }

  @org.junit.jupiter.api.Test
  void beforeAndAfterEachStep() {
    FieldFlow flow = FieldFlow.of(ORDERS, List.of(mask("email", Method.DROP), map("total=amount")));
    assertThat(flow.steps()).isEqualTo(2);
    assertThat(flow.before(0)).isEqualTo(flow.input());
    assertThat(flow.before(1)).isEqualTo(flow.after(0));
    assertThat(flow.after(0).canHave("email")).isFalse();
    assertThat(flow.after(1)).isEqualTo(flow.output());
    assertThat(flow.output().visible()).containsExactly("total");
    assertThat(FieldFlow.of(null, null).output().canHave("anything")).isTrue();
  }

  private static Arguments row(
      String name,
      SchemaSpec schema,
      List<TransformSpec> steps,
      String visible,
      String numbers,
      String masked,
      String dropped) {
    return Arguments.of(name, schema, steps, visible, numbers, masked, dropped);
  }
}

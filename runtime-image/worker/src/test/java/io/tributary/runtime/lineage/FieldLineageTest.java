package io.tributary.runtime.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.MaskTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldLineageTest {
  static final SchemaSpec SCHEMA =
      new SchemaSpec(
          List.of(
              SchemaSpec.Field.of("customer_id", SchemaSpec.Type.STRING).asPii(),
              SchemaSpec.Field.of("amount", SchemaSpec.Type.NUMBER)),
          null);

  static TransformSpec mask(String field, MaskTransform.Method m) {
    return TransformSpec.of(new MaskTransform(null, List.of(MaskTransform.Field.of(field, m))));
  }

  @Test
  void aFieldDerivedFromAMaskedFieldStaysMarkedMasked() {
    TransformSpec derive =
        TransformSpec.of(
            new DeriveTransform(
                List.of(
                    new DeriveTransform.Field("cid_upper", "customer_id + 'x'"),
                    new DeriveTransform.Field("aed", "amount * 3.67"))));
    List<FieldLineage.Output> out =
        FieldLineage.compute(
            SCHEMA, List.of(mask("customer_id", MaskTransform.Method.TOKENIZE), derive));

    assertThat(out)
        .extracting(FieldLineage.Output::name)
        .containsExactly("customer_id", "amount", "cid_upper", "aed");
    assertThat(out.get(2).inputs())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.field()).isEqualTo("customer_id");
              assertThat(s.masking()).isTrue();
              assertThat(s.subtype()).isEqualTo("TRANSFORMATION");
            });
    assertThat(out.get(3).inputs())
        .singleElement()
        .satisfies(s -> assertThat(s.masking()).isFalse());
  }

  @Test
  void aggregationKeepsKeysAndNamesItsInputs() {
    TransformSpec agg =
        TransformSpec.of(
            new AggregateTransform(
                List.of("customer_id"),
                "1h",
                null,
                List.of(
                    new AggregateTransform.Aggregation(
                        AggregateTransform.Function.SUM, "amount", "total"),
                    new AggregateTransform.Aggregation(
                        AggregateTransform.Function.COUNT, null, "n"))));
    List<FieldLineage.Output> out = FieldLineage.compute(SCHEMA, List.of(agg));

    // The window bounds are output fields too: the sink receives them.
    assertThat(out)
        .extracting(FieldLineage.Output::name)
        .containsExactly("customer_id", "window_start", "window_end", "total", "n");
    assertThat(out)
        .extracting(FieldLineage.Output::type)
        .containsExactly("string", "timestamp", "timestamp", "number", "integer");
    assertThat(out.get(3).inputs())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.field()).isEqualTo("amount");
              assertThat(s.subtype()).isEqualTo("AGGREGATION");
            });
    assertThat(out.get(4).inputs()).isEmpty();
  }

  @Test
  void onlyFieldsTheExpressionReadsAreInputs() {
    TransformSpec derive =
        TransformSpec.of(
            new DeriveTransform(
                List.of(
                    // a comprehension variable and a string literal are not the field
                    new DeriveTransform.Field(
                        "flag", "[1, 2].exists(customer_id, customer_id > 1) && 'amount' != ''"),
                    new DeriveTransform.Field("copy", "amount"))));
    List<FieldLineage.Output> out =
        FieldLineage.compute(
            SCHEMA, List.of(mask("customer_id", MaskTransform.Method.DROP), derive));

    assertThat(out).extracting(FieldLineage.Output::name).containsExactly("amount", "flag", "copy");
    assertThat(out.get(1).inputs()).isEmpty();
    assertThat(out.get(2).inputs())
        .singleElement()
        .satisfies(s -> assertThat(s.subtype()).isEqualTo("IDENTITY"));
  }
}

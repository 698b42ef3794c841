package io.tributary.runtime.batch.sink;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.SchemaSpec;
import io.tributary.plan.SinkSchemas;
import java.util.List;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** Iceberg's schema evolution rules as the lake sink applies them, table by table. */
class IcebergEvolutionTest {
  static final Schema TABLE =
      new Schema(
          required(1, "id", Types.LongType.get()),
          optional(2, "amount", Types.DoubleType.get()),
          optional(3, "qty", Types.IntegerType.get()),
          optional(4, "rate", Types.FloatType.get()),
          required(5, "country", Types.StringType.get()));

  static Schema wanted(Types.NestedField... fields) {
    return new Schema(fields);
  }

  @Test
  void theSameColumnsNeedNoChange() {
    IcebergEvolution.Result r = IcebergEvolution.compare(TABLE, TABLE);
    assertThat(r.refused()).isFalse();
    assertThat(r.changes()).isEmpty();
  }

  @Test
  void newOptionalColumnsPromotionsAndRelaxedColumnsAreApplied() {
    IcebergEvolution.Result r =
        IcebergEvolution.compare(
            TABLE,
            wanted(
                required(1, "id", Types.LongType.get()),
                optional(2, "qty", Types.LongType.get()),
                optional(3, "rate", Types.DoubleType.get()),
                optional(4, "country", Types.StringType.get()),
                optional(5, "channel", Types.StringType.get())));

    assertThat(r.refusals()).isEmpty();
    assertThat(r.changes())
        .containsExactly(
            new IcebergEvolution.Widen("qty", Types.IntegerType.get(), Types.LongType.get()),
            new IcebergEvolution.Widen("rate", Types.FloatType.get(), Types.DoubleType.get()),
            new IcebergEvolution.MakeOptional("country"),
            new IcebergEvolution.AddColumn("channel", Types.StringType.get()));
  }

  @Test
  void narrowingATypeChangeARequiredNewColumnAndTighteningAreRefusedNamingEachColumn() {
    IcebergEvolution.Result r =
        IcebergEvolution.compare(
            TABLE,
            wanted(
                required(1, "id", Types.LongType.get()),
                optional(2, "amount", Types.LongType.get()),
                optional(3, "qty", Types.StringType.get()),
                required(4, "rate", Types.FloatType.get()),
                required(5, "country", Types.StringType.get()),
                required(6, "channel", Types.StringType.get())));

    assertThat(r.changes()).isEmpty();
    assertThat(r.refusals())
        .containsExactly(
            "column amount: type double in the table cannot change to long (at the sink); Iceberg"
                + " allows only int → long, float → double and a wider decimal",
            "column qty: type int in the table cannot change to string (at the sink); Iceberg"
                + " allows only int → long, float → double and a wider decimal",
            "column rate (float) is optional in the table and required at the sink: Iceberg"
                + " cannot make a column required; drop required from the field",
            "column channel (string) is new and required at the sink: Iceberg adds only"
                + " optional columns (rows already in the table have no value); drop required from"
                + " the field");
  }

  @Test
  void aRequiredTableColumnMissingFromSpecSchemaIsRefused() {
    IcebergEvolution.Result r =
        IcebergEvolution.compare(TABLE, wanted(required(1, "id", Types.LongType.get())));

    assertThat(r.refusals())
        .containsExactly(
            "column country (string) is required in the table but not a field at the sink: a"
                + " run cannot write rows without it; keep the field through the steps (or add it"
                + " to spec.schema)");
  }

  @Test
  void specSchemaTypesMapToIcebergTypes() {
    Schema s =
        IcebergSchemas.schema(
            SinkSchemas.of(
                new SchemaSpec(
                    List.of(
                        SchemaSpec.Field.of("s", SchemaSpec.Type.STRING),
                        SchemaSpec.Field.of("i", SchemaSpec.Type.INTEGER).asRequired(),
                        SchemaSpec.Field.of("n", SchemaSpec.Type.NUMBER),
                        SchemaSpec.Field.of("b", SchemaSpec.Type.BOOLEAN),
                        SchemaSpec.Field.of("t", SchemaSpec.Type.TIMESTAMP),
                        SchemaSpec.Field.of("o", SchemaSpec.Type.OBJECT),
                        SchemaSpec.Field.of("a", SchemaSpec.Type.ARRAY)),
                    null),
                List.of()));

    assertThat(s.asStruct().toString())
        .isEqualTo(
            "struct<1: s: optional string, 2: i: required long, 3: n: optional double, 4: b:"
                + " optional boolean, 5: t: optional timestamptz, 6: o: optional string, 7: a:"
                + " optional string>");
  }

  @Test
  void partitionByBecomesIdentityFieldsAndOtherFieldsAreRemoved() {
    PartitionSpec current =
        PartitionSpec.builderFor(TABLE).identity("country").bucket("id", 16).build();

    IcebergSchemas.SpecChange change =
        IcebergSchemas.specChange(current, TABLE, List.of("country", "qty"));

    assertThat(change.removeFields()).containsExactly("id_bucket");
    assertThat(change.addColumns()).containsExactly("qty");
    assertThat(
            IcebergSchemas.specChange(
                    IcebergSchemas.spec(TABLE, List.of("country")), TABLE, List.of("country"))
                .isEmpty())
        .isTrue();
  }
}

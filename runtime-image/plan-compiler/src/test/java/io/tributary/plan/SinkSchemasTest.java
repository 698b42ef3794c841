package io.tributary.plan;

import static io.tributary.plan.Specs.derive;
import static io.tributary.plan.Specs.map;
import static io.tributary.plan.Specs.mask;
import static io.tributary.plan.Specs.masks;
import static io.tributary.plan.Specs.schema;
import static io.tributary.plan.Specs.validate;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.SinkSchema;
import io.tributary.pipeline.sink.FeatureStoreSink;
import io.tributary.pipeline.sink.IcebergTable;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.AggregateTransform.Aggregation;
import io.tributary.pipeline.transform.AggregateTransform.Function;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.MaskTransform.Method;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schema at the sink that the plan compiler puts in the plan, for the chains of the samples and
 * the edge cases: each column as {@code name:type[!][~method]@from} ({@code !} required).
 */
class SinkSchemasTest {
  private static final SchemaSpec CUSTOMERS =
      new SchemaSpec(
          List.of(
              SchemaSpec.Field.of("customer_id", SchemaSpec.Type.INTEGER).asRequired(),
              SchemaSpec.Field.of("email", SchemaSpec.Type.STRING).asRequired().asPii(),
              SchemaSpec.Field.of("phone", SchemaSpec.Type.STRING).asPii(),
              SchemaSpec.Field.of("birth_date", SchemaSpec.Type.TIMESTAMP).asPii(),
              SchemaSpec.Field.of("country", SchemaSpec.Type.STRING).asRequired(),
              SchemaSpec.Field.of("lifetime_value", SchemaSpec.Type.NUMBER).asRequired(),
              SchemaSpec.Field.of("orders_12m", SchemaSpec.Type.INTEGER).asRequired()),
          null);

  private static final SchemaSpec TXNS =
      new SchemaSpec(
          List.of(
              SchemaSpec.Field.of("txn_id", SchemaSpec.Type.STRING).asRequired(),
              SchemaSpec.Field.of("customer_id", SchemaSpec.Type.STRING).asRequired().asPii(),
              SchemaSpec.Field.of("merchant_category", SchemaSpec.Type.STRING).asRequired(),
              SchemaSpec.Field.of("amount_aed", SchemaSpec.Type.NUMBER).asRequired(),
              SchemaSpec.Field.of("posted_at", SchemaSpec.Type.TIMESTAMP).asRequired()),
          null);

  private static final TransformSpec FEATURES =
      derive(
          "avg_order_value=orders_12m > 0 ? lifetime_value / double(orders_12m) : 0.0",
          "is_high_value=lifetime_value >= 10000.0");

  private static final TransformSpec DAILY_SPEND =
      TransformSpec.of(
          new AggregateTransform(
              List.of("customer_id", "merchant_category"),
              "1d",
              "posted_at",
              List.of(
                  new Aggregation(Function.COUNT, null, "txn_count"),
                  new Aggregation(Function.SUM, "amount_aed", "spend_aed"),
                  new Aggregation(Function.MAX, "amount_aed", "max_txn_aed"),
                  new Aggregation(Function.AVG, "amount_aed", "avg_aed"))));

  static Stream<Arguments> chains() {
    return Stream.of(
        Arguments.of(
            "the schema's fields as they are",
            TXNS,
            List.of(validate()),
            "txn_id:string!@schema customer_id:string!@schema merchant_category:string!@schema"
                + " amount_aed:number!@schema posted_at:timestamp!@schema"),
        Arguments.of(
            "customer-features: derived fields typed by their expressions, masks text, drop gone",
            CUSTOMERS,
            List.of(validate(), FEATURES, masks("email=HMAC", "phone=REDACT", "birth_date=DROP")),
            "customer_id:integer!@schema email:string!~HMAC@mask phone:string~REDACT@mask"
                + " country:string!@schema lifetime_value:number!@schema"
                + " orders_12m:integer!@schema avg_order_value:number@expression"
                + " is_high_value:boolean@expression"),
        Arguments.of(
            "card-spend-daily: an aggregate's keys, window and aggregates; the rest is gone",
            TXNS,
            List.of(mask("customer_id", Method.HMAC), DAILY_SPEND),
            "customer_id:string!~HMAC@mask merchant_category:string!@schema"
                + " window_start:timestamp!@aggregate window_end:timestamp!@aggregate"
                + " txn_count:integer!@aggregate spend_aed:number!@aggregate"
                + " max_txn_aed:number@aggregate avg_aed:number@aggregate"),
        Arguments.of(
            "generalize year on a timestamp: a string column at the sink",
            CUSTOMERS,
            List.of(
                TransformSpec.of(
                    new MaskTransform(
                        null,
                        List.of(
                            MaskTransform.Field.of("birth_date", Method.GENERALIZE)
                                .withGeneralize(MaskTransform.Generalize.YEAR)))),
                map("customer_id=customer_id", "birth_year=birth_date")),
            "customer_id:integer@expression birth_year:string@expression"),
        Arguments.of(
            "a computed field of unknown type falls back to string; conversions type it",
            TXNS,
            List.of(
                map(
                    "txn_id=txn_id",
                    "anything=dyn(amount_aed)",
                    "as_int=int(amount_aed)",
                    "parts=txn_id.split('-')",
                    "at=timestamp(posted_at)",
                    "meta={'a': 1}")),
            "txn_id:string@expression anything:string@fallbackString as_int:integer@expression"
                + " parts:array@expression at:timestamp@expression meta:object@expression"),
        Arguments.of(
            "recomputing a required field makes it optional; dropping then deriving brings it"
                + " back untyped",
            TXNS,
            List.of(
                derive("txn_id=txn_id + ''"),
                mask("posted_at", Method.DROP),
                derive("posted_at=dyn(txn_id)")),
            "txn_id:string@expression customer_id:string!@schema"
                + " merchant_category:string!@schema amount_aed:number!@schema"
                + " posted_at:string@fallbackString"),
        Arguments.of(
            "jsonSchema: the listed fields the steps leave, as a projection",
            new SchemaSpec(TXNS.fields(), "{\"type\":\"object\"}"),
            List.of(mask("txn_id", Method.DROP), derive("extra=1")),
            "customer_id:string!@schema merchant_category:string!@schema"
                + " amount_aed:number!@schema posted_at:timestamp!@schema"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chains")
  void theColumnsAtTheSink(
      String name, SchemaSpec schema, List<TransformSpec> steps, String expected) {
    SinkSchema out = SinkSchemas.of(schema, steps, lake(FileFormat.PARQUET));
    assertThat(render(out)).isEqualTo(expected);
  }

  @Test
  void onlyLakeAndFeatureStoreSinksGetOneAndOnlyWhenTheFieldsAreKnown() {
    assertThat(SinkSchemas.of(TXNS, List.of(), SinkSpec.of(KafkaSink.of("k:9092", "out"))))
        .isNull();
    assertThat(SinkSchemas.of(null, List.of(derive("x=1")), lake(FileFormat.PARQUET))).isNull();
    assertThat(SinkSchemas.of(TXNS, List.of(), featureStore(List.of("txn_id"), null)).names())
        .containsExactly("txn_id", "customer_id", "merchant_category", "amount_aed", "posted_at");
    // A map fixes the fields even without a schema.
    assertThat(render(SinkSchemas.of(null, List.of(map("x=1")), lake(FileFormat.JSONL))))
        .isEqualTo("x:integer@expression");
  }

  @Test
  void theCompiledPlanCarriesIt() {
    PlanCompiler.Result r =
        PlanCompiler.compile(
            PipelineDefinition.batch()
                .source(FILES)
                .schema(TXNS)
                .transforms(List.of(mask("customer_id", Method.HMAC), DAILY_SPEND))
                .sink(iceberg("merchant_category"))
                .build(),
            PlanContext.of("ns", "card-spend-daily", "u").withRun("r", 1, null));
    assertThat(r.problems()).isEmpty();
    assertThat(r.plan().sinkSchema().names())
        .containsExactly(
            "customer_id",
            "merchant_category",
            "window_start",
            "window_end",
            "txn_count",
            "spend_aed",
            "max_txn_aed",
            "avg_aed");
    // A worker refuses a plan without it: the writers never work the columns out themselves.
    assertThat(PlanCompiler.problems(r.plan().toBuilder().sinkSchema(null).build()))
        .extracting(PlanProblem::toString)
        .containsExactly(
            "sinkSchema: missing: the plan compiler computes the fields at the sink; was this"
                + " plan written by hand or by another version of the operator?");
  }

  @Test
  void anIcebergTableOverAnAggregateTakesTheAggregateColumns() {
    assertThat(
            problems(
                TXNS, List.of(mask("customer_id", Method.HMAC), DAILY_SPEND), iceberg("txn_id")))
        .containsExactly(
            "sink.lake.partitionBy[0]: 'txn_id' is not a field at the sink (a step drops it, or"
                + " it is not in spec.schema); an Iceberg table partitions by its own columns"
                + " (customer_id, merchant_category, window_start, window_end, txn_count,"
                + " spend_aed, max_txn_aed, avg_aed)");
  }

  @Test
  void aLakePartitionColumnDroppedByAStepIsRefused() {
    assertThat(
            problems(
                CUSTOMERS,
                List.of(mask("country", Method.DROP)),
                SinkSpec.of(new LakeSink("/lake/c", FileFormat.PARQUET, List.of("country")))))
        .singleElement()
        .asString()
        .startsWith(
            "sink.lake.partitionBy[0]: 'country' is not a field at the sink (a step drops it,")
        .endsWith(
            "the lake partitions by the records' fields (customer_id, email, phone,"
                + " birth_date, lifetime_value, orders_12m)");
  }

  @Test
  void featuresAndEntityKeysMustReachTheFeatureStore() {
    assertThat(
            problems(
                CUSTOMERS,
                List.of(FEATURES, mask("email", Method.DROP)),
                featureStore(
                    List.of("customer_id"), List.of("avg_order_value", "email", "is_high_value"))))
        .containsExactly(
            "sink.featureStore.features[1]: 'email' does not reach the sink: a step drops it or"
                + " it is not a field (the fields at the sink: customer_id, phone, birth_date,"
                + " country, lifetime_value, orders_12m, avg_order_value, is_high_value); derive"
                + " it, or remove it from features");
    assertThat(
            problems(
                TXNS, List.of(DAILY_SPEND), featureStore(List.of("txn_id"), List.of("txn_count"))))
        .singleElement()
        .asString()
        .startsWith("sink.featureStore.entityKeys[0]: 'txn_id' does not reach the sink");
  }

  @Test
  void generalizingAFieldOfAnotherTypeIsRefusedNamingTheType() {
    TransformSpec yearOfANumber =
        TransformSpec.of(
            new MaskTransform(
                null,
                List.of(
                    MaskTransform.Field.of("lifetime_value", Method.GENERALIZE)
                        .withGeneralize(MaskTransform.Generalize.YEAR),
                    MaskTransform.Field.of("birth_date", Method.GENERALIZE)
                        .withGeneralize(MaskTransform.Generalize.YEAR),
                    MaskTransform.Field.of("country", Method.GENERALIZE)
                        .withGeneralize(MaskTransform.Generalize.BUCKET)
                        .withBucketSize(10))));
    assertThat(problems(CUSTOMERS, List.of(yearOfANumber), lake(FileFormat.PARQUET)))
        .containsExactly(
            "transforms[0].mask.fields[0].generalize: year cannot generalize field lifetime_value"
                + " of type number: year and month take a timestamp (or a date as text); use"
                + " another method (hmac, redact, drop) or fix the field's type");
  }

  private static final SourceSpec FILES =
      SourceSpec.of(new FilesSource("/data/*.jsonl", FileFormat.JSONL, null));

  private static List<String> problems(
      SchemaSpec schema, List<TransformSpec> steps, SinkSpec sink) {
    return PlanCheck.check(FILES, steps, sink, schema).stream()
        .map(PlanProblem::toString)
        .filter(p -> !p.contains("UnmaskedPersonalData") && !p.contains("unmasked"))
        .toList();
  }

  private static SinkSpec lake(FileFormat format) {
    return SinkSpec.of(new LakeSink("/lake/out", format, null));
  }

  private static SinkSpec iceberg(String... partitionBy) {
    return SinkSpec.of(
        LakeSink.iceberg(
            "/lake/warehouse",
            new IcebergTable(
                "uae.card_spend_daily",
                IcebergTable.Catalog.of("jdbc:postgresql://catalog:5432/iceberg")),
            List.of(partitionBy)));
  }

  private static SinkSpec featureStore(List<String> keys, List<String> features) {
    return SinkSpec.of(
        new FeatureStoreSink(
            "redis:6379",
            new SecretKeyRef("redis", "password"),
            null,
            "customer_features",
            keys,
            features,
            null));
  }

  private static String render(SinkSchema s) {
    if (s == null) return null;
    return s.columns().stream()
        .map(
            c ->
                c.name()
                    + ":"
                    + c.type().name().toLowerCase()
                    + (c.required() ? "!" : "")
                    + (c.masked() == null ? "" : "~" + c.masked())
                    + "@"
                    + PlanJsonName.of(c.typeFrom()))
        .collect(Collectors.joining(" "));
  }

  /** The plan's spelling of a TypeFrom. */
  private static final class PlanJsonName {
    static String of(SinkSchema.TypeFrom from) {
      return io.tributary.pipeline.plan.PlanJson.mapper().convertValue(from, String.class);
    }
  }
}

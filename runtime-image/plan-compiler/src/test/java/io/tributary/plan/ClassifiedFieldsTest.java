package io.tributary.plan;

import static io.tributary.plan.Specs.derive;
import static io.tributary.plan.Specs.filter;
import static io.tributary.plan.Specs.map;
import static io.tributary.plan.Specs.masks;
import static io.tributary.plan.Specs.normalizeNumber;
import static io.tributary.plan.Specs.schema;
import static io.tributary.plan.Specs.validate;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.sink.FeatureStoreSink;
import io.tributary.pipeline.sink.JdbcSink;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.AggregateTransform.Aggregation;
import io.tributary.pipeline.transform.AggregateTransform.Function;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The personal-data policy as decision tables: what the sink receives of each classified field,
 * whether the plan is refused and with which words, and how dead letters hide each field.
 */
class ClassifiedFieldsTest {
  /** One personal field. */
  private static final SchemaSpec ONE =
      schema("id:string", "email:string:personal", "amount:number", "ts:timestamp");

  /** A personal and a sensitive field. */
  private static final SchemaSpec TWO =
      schema(
          "id:string",
          "email:string:personal",
          "diagnosis:string:sensitive",
          "amount:number",
          "ts:timestamp");

  /** Payroll: who, how much, when. */
  private static final SchemaSpec PAY =
      schema("emp:string:personal", "salary:number:sensitive", "dept:string", "ts:timestamp");

  private static final SinkSpec LAKE =
      SinkSpec.of(new LakeSink("/lake/out", FileFormat.PARQUET, null));
  private static final SinkSpec KAFKA = SinkSpec.of(KafkaSink.of("k:9092", "out"));
  private static final SinkSpec JDBC = SinkSpec.of(JdbcSink.of("jdbc:postgresql://db/crm", "crm"));

  private static SinkSpec features(List<String> keys, List<String> features) {
    return SinkSpec.of(new FeatureStoreSink("redis:6379", null, null, "f", keys, features, null));
  }

  private static final String FIX_ONE =
      " unmasked: mask it (a mask step) or drop it before the sink, or, if this sink may hold it,"
          + " set sink.allowClassified: [";
  private static final String FIX_MANY =
      " unmasked: mask them (a mask step) or drop them before the sink, or, if this sink may hold"
          + " them, set sink.allowClassified: [";

  /**
   * What the sink receives of each classified field ({@code field=TREATMENT[:method]}) and the
   * refusal ({@code null}: accepted).
   */
  static Stream<Arguments> sinks() {
    return Stream.of(
        row(
            "no classified field: nothing to judge",
            schema("id:string", "email:string"),
            List.of(),
            LAKE,
            "",
            null),
        row(
            "classified fields passing through are refused, each named with its level",
            TWO,
            List.of(),
            LAKE,
            "email=UNMASKED diagnosis=UNMASKED",
            "fields email (personal) and diagnosis (sensitive) reach the lake sink /lake/out"
                + FIX_MANY
                + "email, diagnosis]"),
        row(
            "pii: true means personal",
            schema("id:string", "phone:string:pii"),
            List.of(),
            LAKE,
            "phone=UNMASKED",
            "field phone (personal) reaches the lake sink /lake/out" + FIX_ONE + "phone]"),
        row(
            "masked (hmac, redact) before the sink: accepted",
            TWO,
            List.of(masks("email=HMAC", "diagnosis=REDACT")),
            LAKE,
            "email=MASKED:HMAC diagnosis=MASKED:REDACT",
            null),
        row(
            "keepLast, tokenize and generalize mask too",
            schema("card:string:personal", "iban:string:personal", "born:timestamp:personal"),
            List.of(masks("card=KEEP_LAST", "iban=TOKENIZE", "born=GENERALIZE")),
            LAKE,
            "card=MASKED:KEEP_LAST iban=MASKED:TOKENIZE born=MASKED:GENERALIZE",
            null),
        row(
            "dropped by mask drop: accepted",
            TWO,
            List.of(masks("email=DROP", "diagnosis=DROP")),
            LAKE,
            "email=DROPPED diagnosis=DROPPED",
            null),
        row(
            "dropped by a map that does not keep them: accepted",
            TWO,
            List.of(map("who=id", "total=amount")),
            LAKE,
            "email=DROPPED diagnosis=DROPPED",
            null),
        row(
            "a map copying a classified field carries its classification under the new name",
            ONE,
            List.of(map("contact=email", "total=amount")),
            LAKE,
            "email=DROPPED contact=UNMASKED",
            "field contact (personal, computed from email) reaches the lake sink /lake/out"
                + FIX_ONE
                + "contact]"),
        row(
            "a derived copy must be masked too, not only its source",
            ONE,
            List.of(derive("contact=email.lowerAscii()"), masks("email=HMAC")),
            LAKE,
            "email=MASKED:HMAC contact=UNMASKED",
            "field contact (personal, computed from email) reaches the lake sink /lake/out"
                + FIX_ONE
                + "contact]"),
        row(
            "a derived copy masked after the derive: accepted",
            ONE,
            List.of(derive("contact=email"), masks("email=HMAC", "contact=HMAC")),
            LAKE,
            "email=MASKED:HMAC contact=MASKED:HMAC",
            null),
        row(
            "a field computed from a masked field holds no classified data",
            ONE,
            List.of(masks("email=HMAC"), derive("bucket=email.substring(0, 2)")),
            LAKE,
            "email=MASKED:HMAC",
            null),
        row(
            "a field computed from unclassified fields only is not classified",
            ONE,
            List.of(masks("email=DROP"), derive("aed=amount * 3.67", "day=string(ts)")),
            LAKE,
            "email=DROPPED",
            null),
        row(
            "reading personal and sensitive data yields the stronger level",
            TWO,
            List.of(derive("note=email + ' ' + diagnosis"), masks("email=HMAC", "diagnosis=DROP")),
            KAFKA,
            "email=MASKED:HMAC diagnosis=DROPPED note=UNMASKED",
            "field note (sensitive, computed from diagnosis) reaches the kafka sink (topic out)"
                + FIX_ONE
                + "note]"),
        row(
            "overwriting a classified field with unclassified data replaces it",
            ONE,
            List.of(derive("email='hidden'")),
            LAKE,
            "email=REPLACED",
            null),
        row(
            "overwriting a masked field with classified data unmasks it again",
            TWO,
            List.of(masks("email=HMAC"), derive("email=diagnosis"), masks("diagnosis=DROP")),
            LAKE,
            "email=UNMASKED diagnosis=DROPPED",
            "field email (sensitive, computed from diagnosis) reaches the lake sink /lake/out"
                + FIX_ONE
                + "email]"),
        row(
            "validate, filter, normalize and dedupe keep a field classified",
            ONE,
            List.of(validate(), filter("amount > 1.0"), normalizeNumber("email")),
            JDBC,
            "email=UNMASKED",
            "field email (personal) reaches the jdbc sink (table crm)" + FIX_ONE + "email]"),
        row(
            "an aggregate of a sensitive number is sensitive (a window of one record is its"
                + " value)",
            PAY,
            List.of(aggregate(List.of("dept"), null, Function.SUM, "salary")),
            LAKE,
            "emp=DROPPED salary=DROPPED total=UNMASKED",
            "field total (sensitive, computed from salary) reaches the lake sink /lake/out"
                + FIX_ONE
                + "total]"),
        row(
            "counting by a masked key: accepted",
            PAY,
            List.of(masks("emp=TOKENIZE"), aggregate(List.of("emp"), null, Function.COUNT, null)),
            LAKE,
            "emp=MASKED:TOKENIZE salary=DROPPED",
            null),
        row(
            "an aggregate keyed by an unmasked classified field keeps it classified",
            PAY,
            List.of(aggregate(List.of("emp"), null, Function.COUNT, null)),
            LAKE,
            "emp=UNMASKED salary=DROPPED",
            "field emp (personal) reaches the lake sink /lake/out" + FIX_ONE + "emp]"),
        row(
            "windows over a classified timestamp are classified",
            schema("born:timestamp:personal", "amount:number"),
            List.of(aggregate(List.of(), "born", Function.COUNT, null)),
            LAKE,
            "born=DROPPED window_start=UNMASKED window_end=UNMASKED",
            "fields window_start (personal, computed from born) and window_end (personal,"
                + " computed from born) reach the lake sink /lake/out"
                + FIX_MANY
                + "window_start, window_end]"),
        row(
            "a sink allowed to hold the field receives it unmasked",
            ONE,
            List.of(),
            LAKE.allowingClassified(List.of("email")),
            "email=ALLOWED",
            null),
        row(
            "an allowance is per field: the others are still refused",
            TWO,
            List.of(),
            LAKE.allowingClassified(List.of("email")),
            "email=ALLOWED diagnosis=UNMASKED",
            "field diagnosis (sensitive) reaches the lake sink /lake/out" + FIX_ONE + "diagnosis]"),
        row(
            "an allowance names the field as the sink sees it, not its source",
            ONE,
            List.of(map("contact=email")),
            LAKE.allowingClassified(List.of("email")),
            "email=DROPPED contact=UNMASKED",
            "field contact (personal, computed from email) reaches the lake sink /lake/out"
                + FIX_ONE
                + "contact]"),
        row(
            "a feature store with a feature list writes only the keys and the features",
            ONE,
            List.of(),
            features(List.of("id"), List.of("amount")),
            "email=NOT_WRITTEN",
            null),
        row(
            "a classified entity key is written (it is part of the Redis key)",
            ONE,
            List.of(),
            features(List.of("email"), List.of("amount")),
            "email=UNMASKED",
            "field email (personal) reaches the featureStore sink (feature view f)"
                + FIX_ONE
                + "email]"),
        row(
            "a feature store without a feature list writes every field",
            ONE,
            List.of(),
            features(List.of("id"), null),
            "email=UNMASKED",
            "field email (personal) reaches the featureStore sink (feature view f)"
                + FIX_ONE
                + "email]"),
        row(
            "with jsonSchema the fields are unknown, but the list still classifies",
            new SchemaSpec(ONE.fields(), "{\"type\":\"object\"}"),
            List.of(),
            LAKE,
            "email=UNMASKED",
            "field email (personal) reaches the lake sink /lake/out" + FIX_ONE + "email]"),
        row(
            "with jsonSchema a masked field is masked",
            new SchemaSpec(ONE.fields(), "{\"type\":\"object\"}"),
            List.of(masks("email=REDACT")),
            LAKE,
            "email=MASKED:REDACT",
            null),
        row("no schema: nothing is classified", null, List.of(derive("x=email")), LAKE, "", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sinks")
  void sink(
      String name,
      SchemaSpec schema,
      List<TransformSpec> steps,
      SinkSpec sink,
      String treatments,
      String refusal) {
    assertThat(
            ClassifiedFields.atSink(schema, steps, sink).stream()
                .map(
                    a ->
                        a.field()
                            + "="
                            + a.treatment()
                            + (a.method() == null ? "" : ":" + a.method()))
                .collect(Collectors.joining(" ")))
        .isEqualTo(treatments);
    List<PlanProblem> problems = ClassifiedFields.problems(schema, steps, sink);
    if (refusal == null) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems)
          .containsExactly(
              new PlanProblem("sink", refusal, PlanProblem.Kind.UNMASKED_PERSONAL_DATA));
    }
  }

  /**
   * How dead letters hide each classified field: {@code field=METHOD@step} (the first mask step
   * naming it) or {@code field=***} (redacted). The sink's allowances never apply.
   */
  static Stream<Arguments> deadLetters() {
    return Stream.of(
        Arguments.of("unclassified fields are left alone", schema("email:string"), List.of(), ""),
        Arguments.of("no mask step: redacted", TWO, List.of(), "email=*** diagnosis=***"),
        Arguments.of(
            "the configured method, from the step that masks it",
            TWO,
            List.of(validate(), masks("email=HMAC", "diagnosis=GENERALIZE")),
            "email=HMAC@1 diagnosis=GENERALIZE@1"),
        Arguments.of(
            "a dropped field is dropped", ONE, List.of(masks("email=DROP")), "email=DROP@0"),
        Arguments.of(
            "the first mask step naming the field wins",
            ONE,
            List.of(masks("email=KEEP_LAST"), masks("email=HMAC")),
            "email=KEEP_LAST@0"),
        Arguments.of(
            "a derived copy is hidden too, by its own mask or redacted",
            ONE,
            List.of(derive("contact=email", "lower=email.lowerAscii()"), masks("contact=HMAC")),
            "email=*** contact=HMAC@1 lower=***"),
        Arguments.of(
            "a map's output is hidden as well as its input",
            ONE,
            List.of(map("who=email"), masks("who=TOKENIZE")),
            "email=*** who=TOKENIZE@1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deadLetters")
  void deadLetter(String name, SchemaSpec schema, List<TransformSpec> steps, String rules) {
    assertThat(
            ClassifiedFields.deadLetters(schema, steps).stream()
                .map(
                    r ->
                        r.field()
                            + "="
                            + (r.redacts() ? "***" : r.mask().method() + "@" + r.step()))
                .collect(Collectors.joining(" ")))
        .isEqualTo(rules);
  }

  @Test
  void thePlanCheckRefusesUnmaskedDataLastAndSchemaConflictsAsInvalidSpec() {
    SourceSpec source = SourceSpec.of(new FilesSource("/in/*.jsonl", FileFormat.JSONL, null));
    SchemaSpec conflicting =
        new SchemaSpec(
            List.of(
                new SchemaSpec.Field(
                    "email",
                    SchemaSpec.Type.STRING,
                    null,
                    true,
                    SchemaSpec.Classification.SENSITIVE,
                    null),
                new SchemaSpec.Field(
                    "phone",
                    SchemaSpec.Type.STRING,
                    null,
                    false,
                    SchemaSpec.Classification.PERSONAL,
                    null),
                new SchemaSpec.Field(
                    "name",
                    SchemaSpec.Type.STRING,
                    null,
                    true,
                    SchemaSpec.Classification.PERSONAL,
                    null)),
            null);
    assertThat(PlanCheck.check(source, List.of(filter("true")), LAKE, conflicting))
        .extracting(PlanProblem::kind, PlanProblem::toString)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                PlanProblem.Kind.INVALID_SPEC,
                "schema.fields[0].classification: field email has pii: true and classification:"
                    + " sensitive, which disagree (pii: true means classification: personal);"
                    + " keep only classification"),
            org.assertj.core.groups.Tuple.tuple(
                PlanProblem.Kind.INVALID_SPEC,
                "schema.fields[1].classification: field phone has pii: false and classification:"
                    + " personal, which disagree (pii: true means classification: personal);"
                    + " keep only classification"),
            org.assertj.core.groups.Tuple.tuple(
                PlanProblem.Kind.UNMASKED_PERSONAL_DATA,
                "sink: fields email (sensitive), phone (personal) and name (personal) reach the"
                    + " lake sink /lake/out"
                    + FIX_MANY
                    + "email, phone, name]"));
  }

  private static TransformSpec aggregate(
      List<String> keys, String timestampField, Function function, String field) {
    return TransformSpec.of(
        new AggregateTransform(
            keys,
            "1m",
            timestampField,
            List.of(new Aggregation(function, field, function == Function.COUNT ? "n" : "total"))));
  }

  private static Arguments row(
      String name,
      SchemaSpec schema,
      List<TransformSpec> steps,
      SinkSpec sink,
      String treatments,
      String refusal) {
    return Arguments.of(name, schema, steps, sink, treatments, refusal);
  }
}

package io.tributary.plan;

import static io.tributary.plan.Specs.aggregate;
import static io.tributary.plan.Specs.derive;
import static io.tributary.plan.Specs.filter;
import static io.tributary.plan.Specs.map;
import static io.tributary.plan.Specs.mask;
import static io.tributary.plan.Specs.schema;
import static io.tributary.plan.Specs.validate;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.sink.JdbcSink;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.ConsentTransform;
import io.tributary.pipeline.transform.DedupeTransform;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.MaskTransform.Method;
import io.tributary.pipeline.transform.NormalizeTransform;
import io.tributary.pipeline.transform.TransformSetRef;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PlanCheckTest {
  private static final SchemaSpec ORDERS = schema("name:string", "amount:number", "email:string");
  private static final SourceSpec KAFKA =
      SourceSpec.of(KafkaSource.of("k:9092", List.of("orders")));
  private static final SourceSpec FILES =
      SourceSpec.of(new FilesSource("/data/*.jsonl", io.tributary.pipeline.FileFormat.JSONL, null));
  private static final SinkSpec KAFKA_OUT = SinkSpec.of(KafkaSink.of("k:9092", "out"));

  @Test
  void aPipelineThatCanRunHasNoProblems() {
    List<TransformSpec> steps =
        List.of(
            validate(),
            filter("name.lowerAscii() == 'ada' && amount > 100"),
            derive("aed=amount * 3.67", "big=aed > 1000.0"),
            mask("email", Method.HMAC),
            filter("big"),
            aggregate("name", "aed"),
            filter("sum > 10.0 && n > 1"));
    assertThat(PlanCheck.check(KAFKA, steps, KAFKA_OUT, ORDERS)).isEmpty();
    assertThat(PlanCheck.check(KAFKA, null, KAFKA_OUT, null)).isEmpty();
  }

  /** One spec each, and the one problem it has: path, kind, message. */
  static Stream<Arguments> problems() {
    return Stream.of(
        row(
            "an unknown field",
            List.of(filter("amont > 1")),
            "transforms[0].filter.expression",
            PlanProblem.Kind.INVALID_EXPRESSION,
            "CEL refers to 'amont', which is not a field here (known fields: [amount, email,"
                + " name]); fix the name or add the field to spec.schema"),
        row(
            "a field a map left out",
            List.of(map("who=name"), filter("amount > 1")),
            "transforms[1].filter.expression",
            PlanProblem.Kind.INVALID_EXPRESSION,
            "CEL refers to 'amount', which is not a field here (known fields: [who]); fix the name"
                + " or add the field to spec.schema"),
        row(
            "a dropped field",
            List.of(mask("email", Method.DROP), derive("e=email")),
            "transforms[1].derive.fields[0].expression",
            PlanProblem.Kind.INVALID_EXPRESSION,
            "CEL refers to 'email', which is not a field here (known fields: [amount, name]); fix"
                + " the name or add the field to spec.schema"),
        row(
            "a filter that is not a bool",
            List.of(filter("amount + 1.0")),
            "transforms[0].filter.expression",
            PlanProblem.Kind.INVALID_EXPRESSION,
            "the filter expression does not yield a bool (it yields double); compare, e.g. x > 0"),
        row(
            "a derive field name",
            List.of(derive("1x=amount")),
            "transforms[0].derive.fields[0].name",
            PlanProblem.Kind.INVALID_SPEC,
            "'1x' is not a field name: use letters, digits and _, not starting with a digit"),
        row(
            "an empty derive",
            List.of(TransformSpec.of(new DeriveTransform(List.of()))),
            "transforms[0].derive.fields",
            PlanProblem.Kind.INVALID_SPEC,
            "needs at least one field"),
        row(
            "no kind",
            List.of(json("{\"name\": \"x\"}", TransformSpec.class)),
            "transforms[0]",
            PlanProblem.Kind.INVALID_SPEC,
            "no transform set: set exactly one of validate, filter, map, derive, normalize, dedupe,"
                + " mask, consent, aggregate or infer"),
        row(
            "a TransformSet reference the operator did not inline",
            List.of(TransformSpec.of(new TransformSetRef("common-cleaning"))),
            "transforms[0].transformSet",
            PlanProblem.Kind.INVALID_SPEC,
            "TransformSet common-cleaning is not inlined: the operator replaces a reference by the"
                + " set's steps; was this plan written by hand or by another version of the"
                + " operator?"),
        row(
            "two kinds",
            List.of(
                json(
                    "{\"filter\": {\"expression\": \"true\"},"
                        + " \"mask\": {\"keySecretRef\": {\"name\": \"mask-key\", \"key\": \"key\"},"
                        + " \"fields\": [{\"field\": \"email\", \"method\": \"redact\", \"keep\": 4}]}}",
                    TransformSpec.class)),
            "transforms[0]",
            PlanProblem.Kind.INVALID_SPEC,
            "sets filter and mask: set exactly one of validate, filter, map, derive, normalize,"
                + " dedupe, mask, consent, aggregate or infer"),
        row(
            "a repeated step name",
            List.of(named("a", filter("true")), named("a", filter("true"))),
            "transforms[1].name",
            PlanProblem.Kind.INVALID_SPEC,
            "step name 'a' is used twice; names must be unique"),
        row(
            "hmac without a key",
            List.of(
                TransformSpec.of(
                    new MaskTransform(
                        null, List.of(MaskTransform.Field.of("email", Method.HMAC))))),
            "transforms[0].mask.fields[0].method",
            PlanProblem.Kind.INVALID_SPEC,
            "hmac needs mask.keySecretRef (a Secret with the masking key)"),
        row(
            "keepLast without keep",
            List.of(maskField(MaskTransform.Field.of("email", Method.KEEP_LAST))),
            "transforms[0].mask.fields[0].keep",
            PlanProblem.Kind.INVALID_SPEC,
            "keepLast needs keep (how many trailing characters)"),
        row(
            "a bucket without a size",
            List.of(
                maskField(
                    new MaskTransform.Field(
                        "amount", Method.GENERALIZE, null, MaskTransform.Generalize.BUCKET, 0.0))),
            "transforms[0].mask.fields[0].bucketSize",
            PlanProblem.Kind.INVALID_SPEC,
            "generalize bucket needs bucketSize, the bucket width (> 0), e.g. 10 -> 30-39"),
        row(
            "a dedupe window that is not a duration",
            List.of(TransformSpec.of(new DedupeTransform(List.of("name"), "ten minutes"))),
            "transforms[0].dedupe.window",
            PlanProblem.Kind.INVALID_SPEC,
            "'ten minutes' is not a duration: use e.g. 250ms, 30s, 5m, 1h30m or 7d"),
        row(
            "a zero aggregate window",
            List.of(
                TransformSpec.of(
                    new AggregateTransform(
                        null,
                        "0s",
                        null,
                        List.of(
                            new AggregateTransform.Aggregation(
                                AggregateTransform.Function.COUNT, null, "n"))))),
            "transforms[0].aggregate.window",
            PlanProblem.Kind.INVALID_SPEC,
            "must be longer than zero"),
        row(
            "a sum without a field",
            List.of(
                TransformSpec.of(
                    new AggregateTransform(
                        null,
                        "1m",
                        null,
                        List.of(
                            new AggregateTransform.Aggregation(
                                AggregateTransform.Function.SUM, null, "s"))))),
            "transforms[0].aggregate.aggregations[0].field",
            PlanProblem.Kind.INVALID_SPEC,
            "sum needs field, the numeric input"),
        row(
            "a timestamp pattern java.time cannot read",
            List.of(
                TransformSpec.of(
                    new NormalizeTransform(
                        List.of(
                            NormalizeTransform.Rule.of("ts")
                                .withTimestamp(true)
                                .withTimestampPattern("yyyy-{MM"))))),
            "transforms[0].normalize.rules[0].timestampPattern",
            PlanProblem.Kind.INVALID_SPEC,
            "is not a java.time pattern (e.g. dd/MM/yyyy HH:mm): Pattern includes reserved"
                + " character: '{'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void findsTheProblemAtItsPath(
      String name, List<TransformSpec> steps, String path, PlanProblem.Kind kind, String message) {
    assertThat(PlanCheck.check(KAFKA, steps, KAFKA_OUT, ORDERS))
        .containsExactly(new PlanProblem(path, message, kind));
    assertThat(PlanCheck.transforms(ORDERS, steps, KAFKA))
        .containsExactly(new PlanProblem(path, message, kind));
  }

  @Test
  void withoutAFieldListAnyFieldIsAcceptedButExpressionsAreStillChecked() {
    assertThat(PlanCheck.check(KAFKA, List.of(filter("anything > 1")), KAFKA_OUT, null)).isEmpty();
    assertThat(PlanCheck.check(KAFKA, List.of(filter("((")), KAFKA_OUT, null))
        .extracting(PlanProblem::path)
        .containsExactly("transforms[0].filter.expression");
  }

  @Test
  void validateNeedsASchemaThatLoads() {
    assertThat(PlanCheck.check(KAFKA, List.of(validate()), KAFKA_OUT, null))
        .containsExactly(
            new PlanProblem(
                "transforms[0].validate",
                "needs spec.schema with fields or jsonSchema; add a schema or remove the step",
                PlanProblem.Kind.INVALID_SPEC));
    SchemaSpec broken = new SchemaSpec(null, "{\"type\": ");
    assertThat(PlanCheck.check(KAFKA, List.of(validate()), KAFKA_OUT, broken))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("schema.jsonSchema");
              assertThat(p.message()).startsWith("is not a valid JSON Schema (draft 2020-12): ");
            });
  }

  @Test
  void consentNeedsAClusterWhenTheSourceIsNotKafka() {
    TransformSpec consent =
        TransformSpec.of(new ConsentTransform("marketing", "name", "consent", null));
    assertThat(PlanCheck.check(KAFKA, List.of(consent), KAFKA_OUT, ORDERS)).isEmpty();
    assertThat(PlanCheck.check(FILES, List.of(consent), KAFKA_OUT, ORDERS))
        .containsExactly(
            new PlanProblem(
                "transforms[0].consent.bootstrapServers",
                "is required when the source is not Kafka",
                PlanProblem.Kind.INVALID_SPEC));
  }

  @Test
  void sourceAndSinkSetOneKindAndUpsertNeedsPostgresAndKeys() {
    SourceSpec two =
        json(
            "{\"files\": "
                + PlanJson.write(FILES.files())
                + ", \"kafka\": "
                + PlanJson.write(KAFKA.kafka())
                + "}",
            SourceSpec.class);
    SinkSpec upsert =
        SinkSpec.of(JdbcSink.of("jdbc:mysql://db/x", "t").withMode(JdbcSink.Mode.UPSERT));
    assertThat(PlanCheck.check(two, List.of(), upsert, null))
        .extracting(PlanProblem::toString)
        .containsExactly(
            "source: set exactly one of jdbc, files, http or kafka",
            "sink.jdbc.mode: upsert is supported on PostgreSQL (jdbc:postgresql:...); use append",
            "sink.jdbc.keyColumns: mode upsert needs keyColumns (the conflict key)");
  }

  @Test
  void everyProblemIsReportedInSpecOrder() {
    assertThat(
            PlanCheck.check(
                KAFKA,
                List.of(filter("nope"), derive("x=alsoNope"), mask("email", Method.KEEP_LAST)),
                KAFKA_OUT,
                ORDERS))
        .extracting(PlanProblem::path)
        .containsExactly(
            "transforms[0].filter.expression", "transforms[1].derive.fields[0].expression");
  }

  private static TransformSpec named(String name, TransformSpec t) {
    return t.withName(name);
  }

  private static TransformSpec maskField(MaskTransform.Field field) {
    return TransformSpec.of(new MaskTransform(null, List.of(field)));
  }

  private static Arguments row(
      String name, List<TransformSpec> steps, String path, PlanProblem.Kind kind, String message) {
    return Arguments.of(name, steps, path, kind, message);
  }

  /**
   * A spec read as a user would write it. The records offer no way to build the invalid specs these
   * tests need (two kinds set, no kind set), and a row of positional nulls would hide which.
   */
  private static <T> T json(String json, Class<T> type) {
    try {
      return PlanJson.mapper().readValue(json, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}

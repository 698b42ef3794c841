package io.tributary.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.status.Conditions.Reason;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SchemaSpec.Classification;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.sink.FeatureStoreSink;
import io.tributary.pipeline.sink.JdbcSink;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.FilterTransform;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.MaskTransform.Method;
import io.tributary.plan.ClassifiedFields;
import io.tributary.plan.PipelineDefinition;
import io.tributary.plan.PlanCompiler;
import io.tributary.plan.PlanContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The personal-data policy as the operator applies it to both pipeline kinds: the Ready reason and
 * message of a refused spec, and, for an accepted one, how the compiled plan's dead letters hide
 * each classified field ({@code field=METHOD@step}, or {@code ***} for redacted) — the sink's own
 * allowance never reaches the dead letters.
 */
class PersonalDataPolicyTest {
  private static final SourceSpec FILES =
      SourceSpec.of(new FilesSource("/lake/raw/*.jsonl", FileFormat.JSONL, null));
  private static final SourceSpec KAFKA_IN =
      SourceSpec.of(KafkaSource.of("kafka:9092", List.of("payments")));
  private static final SinkSpec LAKE =
      SinkSpec.of(new LakeSink("/lake/customers", FileFormat.PARQUET, null));
  private static final SinkSpec CRM =
      SinkSpec.of(JdbcSink.of("jdbc:postgresql://crm:5432/crm", "contacts"));
  private static final SinkSpec SCORED = SinkSpec.of(KafkaSink.of("kafka:9092", "payments.scored"));
  private static final DeadLetterSpec REJECTED = new DeadLetterSpec(null, "/lake/rejected", null);

  private static final String FIX =
      " unmasked: mask it (a mask step) or drop it before the sink, or, if this sink may hold it,"
          + " set sink.allowClassified: [";

  static Stream<Arguments> table() {
    return Stream.of(
        batch(
            "DataPipeline: a personal field passes through to the lake",
            schema("id", "email:personal"),
            List.of(),
            LAKE,
            "UnmaskedPersonalData: spec.sink: field email (personal) reaches the lake sink"
                + " /lake/customers"
                + FIX
                + "email]"),
        batch(
            "DataPipeline: masked with hmac; dead letters use the same hmac",
            schema("id", "email:personal"),
            List.of(mask(Method.HMAC, "email")),
            LAKE,
            "dead letters: email=HMAC@0"),
        batch(
            "DataPipeline: dropped by mask drop; dead letters drop it too",
            schema("id", "email:pii"),
            List.of(mask(Method.DROP, "email")),
            LAKE,
            "dead letters: email=DROP@0"),
        batch(
            "DataPipeline: dropped by a map; dead letters redact it",
            schema("id", "email:personal", "amount"),
            List.of(map("id=id", "total=amount")),
            LAKE,
            "dead letters: email=***"),
        batch(
            "DataPipeline: a derived copy of a personal field is personal",
            schema("id", "email:personal"),
            List.of(derive("contact=email.lowerAscii()"), mask(Method.HMAC, "email")),
            LAKE,
            "UnmaskedPersonalData: spec.sink: field contact (personal, computed from email)"
                + " reaches the lake sink /lake/customers"
                + FIX
                + "contact]"),
        batch(
            "DataPipeline: a CRM table allowed to hold the address; its dead letters still hide"
                + " it",
            schema("id", "email:personal"),
            List.of(),
            CRM.allowingClassified(List.of("email")),
            "dead letters: email=***"),
        batch(
            "DataPipeline: an allowance does not cover a second classified field",
            schema("id", "email:personal", "diagnosis:sensitive"),
            List.of(),
            CRM.allowingClassified(List.of("email")),
            "UnmaskedPersonalData: spec.sink: field diagnosis (sensitive) reaches the jdbc sink"
                + " (table contacts)"
                + FIX
                + "diagnosis]"),
        batch(
            "DataPipeline: a personal entity key is written into the feature store's keys",
            schema("email:personal", "ltv"),
            List.of(),
            SinkSpec.of(
                new FeatureStoreSink(
                    "redis:6379", null, null, "customers", List.of("email"), List.of("ltv"), null)),
            "UnmaskedPersonalData: spec.sink: field email (personal) reaches the featureStore sink"
                + " (feature view customers)"
                + FIX
                + "email]"),
        batch(
            "DataPipeline: pii: true and classification: sensitive disagree",
            new SchemaSpec(
                List.of(
                    SchemaSpec.Field.of("email", SchemaSpec.Type.STRING)
                        .asPii()
                        .classified(Classification.SENSITIVE)),
                null),
            List.of(mask(Method.REDACT, "email")),
            LAKE,
            "InvalidSpec: spec.schema.fields[0].classification: field email has pii: true and"
                + " classification: sensitive, which disagree (pii: true means classification:"
                + " personal); keep only classification"),
        stream(
            "StreamJob: a sensitive field passes through to the output topic",
            schema("txn", "card:sensitive"),
            List.of(TransformSpec.of(new FilterTransform("true"))),
            SCORED,
            "UnmaskedPersonalData: spec.sink: field card (sensitive) reaches the kafka sink"
                + " (topic payments.scored)"
                + FIX
                + "card]"),
        stream(
            "StreamJob: keepLast on the card and on its copy; the dead-letter topic gets both",
            schema("txn", "card:personal"),
            List.of(derive("fingerprint=card"), mask(Method.KEEP_LAST, "card", "fingerprint")),
            SCORED,
            "dead letters: card=KEEP_LAST@1 fingerprint=KEEP_LAST@1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decide(String name, PipelineDefinition definition, String expected) {
    PlanCompiler.Result compiled = PlanCompiler.compile(definition, PlanContext.of("ns", "p", "u"));
    Optional<PipelineChecks.Problem> problem = PipelineChecks.plan(compiled.problems());
    String actual =
        problem
            .map(p -> p.reason() + ": " + p.message())
            .orElseGet(
                () ->
                    "dead letters: "
                        + ClassifiedFields.deadLetters(
                                compiled.plan().schema(), compiled.plan().transforms())
                            .stream()
                            .map(
                                r ->
                                    r.field()
                                        + "="
                                        + (r.redacts()
                                            ? "***"
                                            : r.mask().method() + "@" + r.step()))
                            .collect(Collectors.joining(" ")));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void
      personalDataResidencyEndpointsAndForeignConsumerGroupsStopRunningWorkersOtherProblemsDoNot() {
    assertThat(
            Stream.of(Reason.values())
                .filter(r -> PipelineChecks.stopsWorkers(new PipelineChecks.Problem(r, "m"))))
        .containsExactlyInAnyOrder(
            Reason.ResidencyViolation,
            Reason.EndpointNotInCatalog,
            Reason.EndpointRequiresTls,
            Reason.UnmaskedPersonalData,
            Reason.ConsumerGroupOutsideNamespace);
  }

  /** Fields "name[:personal|sensitive|pii]", all strings. */
  private static SchemaSpec schema(String... fields) {
    List<SchemaSpec.Field> out = new ArrayList<>();
    for (String f : fields) {
      String[] p = f.split(":");
      SchemaSpec.Field field = SchemaSpec.Field.of(p[0], SchemaSpec.Type.STRING);
      if (p.length > 1) {
        field =
            p[1].equals("pii")
                ? field.asPii()
                : field.classified(Classification.valueOf(p[1].toUpperCase()));
      }
      out.add(field);
    }
    return new SchemaSpec(out, null);
  }

  private static TransformSpec mask(Method method, String... fields) {
    List<MaskTransform.Field> out = new ArrayList<>();
    for (String f : fields) {
      MaskTransform.Field field = MaskTransform.Field.of(f, method);
      out.add(method == Method.KEEP_LAST ? field.withKeep(4) : field);
    }
    return TransformSpec.of(new MaskTransform(new SecretKeyRef("mask", "key"), out));
  }

  private static TransformSpec derive(String... fields) {
    return TransformSpec.of(new DeriveTransform(computed(fields)));
  }

  private static TransformSpec map(String... fields) {
    return TransformSpec.map(new DeriveTransform(computed(fields)));
  }

  private static List<DeriveTransform.Field> computed(String... fields) {
    List<DeriveTransform.Field> out = new ArrayList<>();
    for (String f : fields) {
      int eq = f.indexOf('=');
      out.add(new DeriveTransform.Field(f.substring(0, eq), f.substring(eq + 1)));
    }
    return out;
  }

  private static Arguments batch(
      String name, SchemaSpec schema, List<TransformSpec> steps, SinkSpec sink, String expected) {
    return Arguments.of(
        name,
        PipelineDefinition.batch()
            .source(FILES)
            .schema(schema)
            .transforms(steps)
            .sink(sink)
            .deadLetter(REJECTED)
            .build(),
        expected);
  }

  private static Arguments stream(
      String name, SchemaSpec schema, List<TransformSpec> steps, SinkSpec sink, String expected) {
    return Arguments.of(
        name,
        PipelineDefinition.stream()
            .source(KAFKA_IN)
            .schema(schema)
            .transforms(steps)
            .sink(sink)
            .deadLetter(new DeadLetterSpec("payments.dlq", null, null))
            .build(),
        expected);
  }
}

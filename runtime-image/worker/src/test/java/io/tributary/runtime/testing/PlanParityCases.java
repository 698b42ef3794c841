package io.tributary.runtime.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.plan.PipelineDefinition;
import io.tributary.plan.PlanCompiler;
import io.tributary.plan.PlanContext;
import java.util.List;

/**
 * Pipelines the operator and the worker must judge alike, with the one refusal both must print: the
 * worker as {@code plan <file>: <refusal>}, the operator as {@code spec.<refusal>}. Shared with the
 * operator's tests through the worker's test fixtures, so the two sides are held to the same
 * literal text.
 */
public final class PlanParityCases {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The schema of every case: name, amount (a number), country. */
  public static final SchemaSpec SCHEMA =
      read(
          "{\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
              + "{\"name\":\"amount\",\"type\":\"number\"},"
              + "{\"name\":\"country\",\"type\":\"string\"}]}",
          SchemaSpec.class);

  /**
   * A Kafka source whose credentials Secret is not mounted in the worker's test: a worker that gets
   * past the static check stops at that file, before connecting anywhere.
   */
  public static final SourceSpec SOURCE =
      read(
          "{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:1\",\"topics\":[\"in\"],"
              + "\"saslJaasSecretRef\":{\"name\":\"kafka-auth\",\"key\":\"jaas\"}}}",
          SourceSpec.class);

  public static final SinkSpec SINK =
      read("{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:1\",\"topic\":\"out\"}}", SinkSpec.class);

  /** The schema of the personal-data cases: {@link #SCHEMA} with name classified personal. */
  public static final SchemaSpec PERSONAL_SCHEMA =
      read(
          "{\"fields\":[{\"name\":\"name\",\"type\":\"string\",\"classification\":\"personal\"},"
              + "{\"name\":\"amount\",\"type\":\"number\"},"
              + "{\"name\":\"country\",\"type\":\"string\"}]}",
          SchemaSpec.class);

  /** The condition reasons a refusal maps to in the operator. */
  public enum Reason {
    InvalidExpression,
    InvalidSpec,
    UnmaskedPersonalData
  }

  /**
   * @param schema the record schema
   * @param transforms the steps
   * @param sink where the records go
   * @param refusal {@code <path>: <message>}, or null when both sides accept the pipeline
   * @param reason the operator's reason for the refusal; null when accepted
   */
  public record Case(
      String name,
      SchemaSpec schema,
      List<TransformSpec> transforms,
      SinkSpec sink,
      String refusal,
      Reason reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  private PlanParityCases() {}

  /** The case as a StreamJob's spec says it, for the plan compiler. */
  public static PipelineDefinition definition(Case c) {
    return PipelineDefinition.stream()
        .source(SOURCE)
        .transforms(c.transforms())
        .sink(c.sink())
        .schema(c.schema())
        .build();
  }

  /** What the operator does with a StreamJob's spec: compile its plan, problems included. */
  public static PlanCompiler.Result compile(Case c) {
    return PlanCompiler.compile(definition(c), PlanContext.of("ns", "p", "u"));
  }

  public static List<Case> all() {
    return List.of(
        accepted(
            "string extensions with schema fields",
            "[{\"filter\":{\"expression\":\"name.lowerAscii() == 'ada' && amount > 100\"}}]"),
        accepted(
            "math extension and int/double comparison",
            "[{\"derive\":{\"fields\":[{\"name\":\"top\",\"expression\":"
                + "\"math.greatest(amount, 10.0)\"}]}},"
                + "{\"filter\":{\"expression\":\"top > 10\"}}]"),
        refused(
            "an unknown field",
            "[{\"filter\":{\"expression\":\"nmae.lowerAscii() == 'ada'\"}}]",
            "transforms[0].filter.expression: CEL refers to 'nmae', which is not a field here"
                + " (known fields: [amount, country, name]); fix the name or add the field to"
                + " spec.schema",
            Reason.InvalidExpression),
        refused(
            "a field a map did not keep",
            "[{\"map\":{\"fields\":[{\"name\":\"who\",\"expression\":\"name\"}]}},"
                + "{\"filter\":{\"expression\":\"amount > 1\"}}]",
            "transforms[1].filter.expression: CEL refers to 'amount', which is not a field here"
                + " (known fields: [who]); fix the name or add the field to spec.schema",
            Reason.InvalidExpression),
        refused(
            "a dropped field",
            "[{\"mask\":{\"fields\":[{\"field\":\"name\",\"method\":\"drop\"}]}},"
                + "{\"derive\":{\"fields\":[{\"name\":\"n\",\"expression\":\"name\"}]}}]",
            "transforms[1].derive.fields[0].expression: CEL refers to 'name', which is not a field"
                + " here (known fields: [amount, country]); fix the name or add the field to"
                + " spec.schema",
            Reason.InvalidExpression),
        refused(
            "a filter that is not a bool",
            "[{\"filter\":{\"expression\":\"country + '!'\"}}]",
            "transforms[0].filter.expression: the filter expression does not yield a bool (it"
                + " yields string); compare, e.g. x > 0",
            Reason.InvalidExpression),
        refused(
            "a syntax error",
            "[{\"filter\":{\"expression\":\"amount >\"}}]",
            "transforms[0].filter.expression: CEL does not parse: <input>:1:9: mismatched input"
                + " '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null',"
                + " NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}",
            Reason.InvalidExpression),
        refused(
            "a window that is not a duration",
            "[{\"dedupe\":{\"keyFields\":[\"name\"],\"window\":\"10 minutes\"}}]",
            "transforms[0].dedupe.window: '10 minutes' is not a duration: use e.g. 250ms, 30s, 5m,"
                + " 1h30m or 7d",
            Reason.InvalidSpec),
        refused(
            "hmac without a key",
            "[{\"mask\":{\"fields\":[{\"field\":\"name\",\"method\":\"hmac\"}]}}]",
            "transforms[0].mask.fields[0].method: hmac needs mask.keySecretRef (a Secret with the"
                + " masking key)",
            Reason.InvalidSpec),
        new Case(
            "a personal field reaching the sink unmasked",
            PERSONAL_SCHEMA,
            steps("[{\"filter\":{\"expression\":\"amount > 1\"}}]"),
            SINK,
            "sink: field name (personal) reaches the kafka sink (topic out) unmasked: mask it (a"
                + " mask step) or drop it before the sink, or, if this sink may hold it, set"
                + " sink.allowClassified: [name]",
            Reason.UnmaskedPersonalData),
        new Case(
            "a copy of a personal field reaching the sink unmasked",
            PERSONAL_SCHEMA,
            steps(
                "[{\"derive\":{\"fields\":[{\"name\":\"who\",\"expression\":\"name.upperAscii()\"}]}},"
                    + "{\"mask\":{\"fields\":[{\"field\":\"name\",\"method\":\"redact\"}]}}]"),
            SINK,
            "sink: field who (personal, computed from name) reaches the kafka sink (topic out)"
                + " unmasked: mask it (a mask step) or drop it before the sink, or, if this sink may"
                + " hold it, set sink.allowClassified: [who]",
            Reason.UnmaskedPersonalData),
        new Case(
            "a personal field masked before the sink",
            PERSONAL_SCHEMA,
            steps("[{\"mask\":{\"fields\":[{\"field\":\"name\",\"method\":\"redact\"}]}}]"),
            SINK,
            null,
            null),
        new Case(
            "a feature-store sink with the default guarantee, exactly-once",
            SCHEMA,
            List.of(),
            read(
                "{\"featureStore\":{\"redisAddress\":\"127.0.0.1:1\",\"featureView\":\"f\","
                    + "\"entityKeys\":[\"name\"]}}",
                SinkSpec.class),
            "guarantee: exactly-once cannot hold with sink.featureStore: Redis writes cannot join"
                + " the Kafka transaction that commits the input offsets, so after a crash a worker"
                + " writes again the records since the last commit (idempotent overwrites of the"
                + " same entities); set guarantee: at-least-once",
            Reason.InvalidSpec),
        new Case(
            "a personal field the sink is allowed to hold",
            PERSONAL_SCHEMA,
            List.of(),
            SINK.allowingClassified(List.of("name")),
            null,
            null));
  }

  private static Case accepted(String name, String transforms) {
    return new Case(name, SCHEMA, steps(transforms), SINK, null, null);
  }

  private static Case refused(String name, String transforms, String refusal, Reason reason) {
    return new Case(name, SCHEMA, steps(transforms), SINK, refusal, reason);
  }

  private static List<TransformSpec> steps(String json) {
    return List.of(read(json, TransformSpec[].class));
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }
}

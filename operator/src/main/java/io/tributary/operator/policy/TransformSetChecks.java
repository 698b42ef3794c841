package io.tributary.operator.policy;

import io.tributary.operator.api.TransformSetSpec;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.plan.PlanCheck;
import java.util.List;
import java.util.Optional;

/**
 * What can be said of a TransformSet's steps without a pipeline: the plan compiler's step checks
 * (settings, durations, CEL syntax and types, unique names) against the most lenient pipeline there
 * is — any field may exist, there is a schema, the source is Kafka. A problem found here is a
 * problem in every pipeline naming the set; one that depends on a pipeline's fields (an unknown
 * field, a validate step without spec.schema) is reported on that pipeline.
 */
public final class TransformSetChecks {
  /** Fields unknown (a JSON Schema, not a field list): every field name is accepted. */
  private static final SchemaSpec ANY_FIELDS = new SchemaSpec(null, "{}");

  /** A consent step without bootstrapServers is fine with a Kafka source. */
  private static final SourceSpec KAFKA =
      SourceSpec.of(KafkaSource.of("any-kafka:9092", List.of("any-topic")));

  private TransformSetChecks() {}

  /** The first problem of the set's steps, worded as {@code spec.transforms[i]...: message}. */
  public static Optional<PipelineChecks.Problem> check(TransformSetSpec spec) {
    if (spec == null || spec.transforms() == null) return Optional.empty();
    return PipelineChecks.plan(PlanCheck.transforms(ANY_FIELDS, spec.transforms(), KAFKA));
  }
}

package io.tributary.runtime.transform;

import io.tributary.pipeline.Durations;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.ConsentTransform;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.runtime.Secrets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns one {@link TransformSpec} into a {@link Step}, tracking which record fields the following
 * steps can see (null: unknown, any identifier is accepted in CEL).
 */
final class StepCompiler {
  private final WorkerPlan plan;
  private final Secrets secrets;
  private final ConsentView.Factory consentViews;
  private final List<ConsentView> opened;
  private Set<String> knownFields;
  private Set<String> numberFields = new LinkedHashSet<>();

  StepCompiler(
      WorkerPlan plan,
      Secrets secrets,
      ConsentView.Factory consentViews,
      List<ConsentView> opened) {
    this.plan = plan;
    this.secrets = secrets;
    this.consentViews = consentViews;
    this.opened = opened;
    SchemaSpec schema = plan.schema();
    if (schema != null
        && schema.jsonSchema() == null
        && schema.fields() != null
        && !schema.fields().isEmpty()) {
      knownFields = new LinkedHashSet<>();
      schema.fields().forEach(f -> knownFields.add(f.name()));
    }
    if (schema != null && schema.fields() != null) {
      schema.fields().stream()
          .filter(f -> f.type() == SchemaSpec.Type.NUMBER)
          .forEach(f -> numberFields.add(f.name()));
    }
  }

  /**
   * @throws IllegalArgumentException with the problem; the caller adds the step index
   */
  Step compile(TransformSpec t) {
    return switch (t.kind()) {
      case "validate" -> new ValidateStep(plan.schema(), t.validate().onInvalid());
      case "filter" -> new FilterStep(cel(t.filter().expression(), knownFields));
      case "map" -> derive(t.map(), true);
      case "derive" -> derive(t.derive(), false);
      case "normalize" -> new NormalizeStep(t.normalize());
      case "dedupe" ->
          new DedupeStep(t.dedupe().keyFields(), duration("dedupe.window", t.dedupe().window()));
      case "mask" -> mask(t.mask());
      case "consent" -> consent(t.consent());
      case "aggregate" -> {
        var step =
            new AggregateStep(t.aggregate(), duration("aggregate.window", t.aggregate().window()));
        knownFields = new LinkedHashSet<>(AggregateStep.outputFields(t.aggregate()));
        numberFields = new LinkedHashSet<>();
        t.aggregate().aggregations().stream()
            .filter(a -> a.function() != AggregateTransform.Function.COUNT)
            .forEach(a -> numberFields.add(a.as()));
        yield step;
      }
      default ->
          throw new IllegalArgumentException(
              "no transform set: set exactly one of validate, filter, map, derive, normalize,"
                  + " dedupe, mask, consent or aggregate");
    };
  }

  private CelExpression cel(String expression, Set<String> known) {
    return CelExpression.compile(expression, known, numberFields);
  }

  private Step derive(DeriveTransform spec, boolean projection) {
    if (spec.fields() == null || spec.fields().isEmpty()) {
      throw new IllegalArgumentException("needs at least one field");
    }
    Set<String> visible = knownFields == null ? null : new LinkedHashSet<>(knownFields);
    List<DeriveStep.Field> fields = new ArrayList<>();
    Set<String> produced = new LinkedHashSet<>();
    for (int i = 0; i < spec.fields().size(); i++) {
      DeriveTransform.Field f = spec.fields().get(i);
      if (f.name() == null || !f.name().matches("^[A-Za-z_][A-Za-z0-9_]*$")) {
        throw new IllegalArgumentException(
            "fields[" + i + "].name '" + f.name() + "' is not a field name");
      }
      try {
        fields.add(new DeriveStep.Field(f.name(), cel(f.expression(), visible)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "fields[" + i + "] (" + f.name() + "): " + e.getMessage(), e);
      }
      if (visible != null) {
        visible.add(f.name());
      }
      produced.add(f.name());
    }
    // A computed field's type is not known: its values follow the default int/double rule.
    numberFields.removeAll(produced);
    if (projection) {
      knownFields = produced;
      numberFields.clear();
    } else if (knownFields != null) {
      knownFields.addAll(produced);
    }
    return new DeriveStep(fields, projection);
  }

  private Step mask(MaskTransform spec) {
    if (spec.fields() == null || spec.fields().isEmpty()) {
      throw new IllegalArgumentException("mask needs at least one field");
    }
    byte[] key = spec.keySecretRef() == null ? null : secrets.readBytes(spec.keySecretRef());
    MaskStep step = new MaskStep(spec, key);
    if (knownFields != null) {
      spec.fields().stream()
          .filter(f -> f.method() == MaskTransform.Method.DROP)
          .forEach(f -> knownFields.remove(f.field()));
    }
    return step;
  }

  private Step consent(ConsentTransform spec) {
    String bootstrap = spec.bootstrapServers();
    if (spec.topic() == null || spec.topic().isBlank()) {
      throw new IllegalArgumentException("consent.topic is required");
    }
    ConsentView view = consentViews.open(bootstrap, spec.topic());
    opened.add(view);
    return new ConsentStep(spec.purpose(), spec.subjectField(), view);
  }

  private static java.time.Duration duration(String field, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }
}

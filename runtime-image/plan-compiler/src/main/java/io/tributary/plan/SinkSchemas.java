package io.tributary.plan;

import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.SinkSchema;
import io.tributary.pipeline.plan.SinkSchema.TypeFrom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The schema at the sink ({@link SinkSchema}): the {@link FieldFlow} output of {@code spec.schema}
 * through the steps, as columns. Computed once, here, into the plan; the worker's lake and
 * feature-store writers read it and never guess.
 *
 * <p>When the fields at the sink are known (schema.fields without jsonSchema, or a map or aggregate
 * that fixes them), the columns are exactly those fields, in order. When they are not (a
 * jsonSchema), the columns are the listed schema fields the steps leave in place (a projection, as
 * before). Without either the sink schema is null and a Parquet lake infers its columns from the
 * first records; an Iceberg table is refused (it needs its columns up front).
 *
 * <p>A type comes from spec.schema, from the CEL expression that computes the field, from the
 * aggregate function (count: integer; sum, avg, min, max: number; window bounds: timestamp) or from
 * a mask (text). A computed field whose type cannot be told falls back to string: the column holds
 * the value's JSON text ({@link TypeFrom#FALLBACK_STRING}); converting in the expression ({@code
 * double(x)}, {@code int(x)}, {@code string(x)}) types it.
 */
public final class SinkSchemas {
  private SinkSchemas() {}

  /** Whether {@code sink} takes its columns from a sink schema (a lake or the feature store). */
  public static boolean applies(SinkSpec sink) {
    return sink != null && (sink.lake() != null || sink.featureStore() != null);
  }

  /** The schema at {@code sink}, or null (not a lake or feature store, or fields unknown). */
  public static SinkSchema of(SchemaSpec schema, List<TransformSpec> transforms, SinkSpec sink) {
    return applies(sink) ? of(schema, transforms) : null;
  }

  /** The fields reaching the end of {@code transforms}, as columns; null when unknown. */
  public static SinkSchema of(SchemaSpec schema, List<TransformSpec> transforms) {
    FieldFlow.Fields out = FieldFlow.of(schema, transforms).output();
    Map<String, SchemaSpec.Field> declared = new HashMap<>();
    List<String> names = new ArrayList<>();
    if (schema != null && schema.fields() != null) {
      for (SchemaSpec.Field f : schema.fields()) {
        if (f == null || f.name() == null) continue;
        declared.put(f.name(), f);
        if (!out.known() && !out.dropped().contains(f.name())) names.add(f.name());
      }
    }
    if (out.known()) names.addAll(out.visible());
    if (names.isEmpty()) return null;
    List<SinkSchema.Column> columns = new ArrayList<>();
    for (String n : names) {
      SchemaSpec.Type type = out.types().get(n);
      TypeFrom from = out.typeFrom().get(n);
      if (type == null || from == null) {
        type = SchemaSpec.Type.STRING;
        from = TypeFrom.FALLBACK_STRING;
      }
      SchemaSpec.Field source = declared.get(n);
      boolean fromSchema = from == TypeFrom.SCHEMA || from == TypeFrom.MASK;
      columns.add(
          new SinkSchema.Column(
              n,
              type,
              out.required().contains(n),
              out.masked().get(n),
              from,
              fromSchema && source != null ? source.description() : null));
    }
    return new SinkSchema(columns);
  }
}

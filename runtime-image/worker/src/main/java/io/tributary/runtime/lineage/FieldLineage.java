package io.tributary.runtime.lineage;

import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.NormalizeTransform;
import io.tributary.plan.CelEnvironment;
import io.tributary.plan.FieldFlow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which input fields each output field comes from, and how: computed from the schema and the
 * transform steps, without running them. Which fields exist, their types and which are masked come
 * from {@link FieldFlow}, the analysis the plan check and the worker use too; the fields a CEL
 * expression reads come from {@link CelEnvironment}. Masked fields are marked {@code masking:
 * true}, so a lineage reader sees that personal data left the pipeline only masked. Pure.
 */
public final class FieldLineage {
  /** One input field of an output field. */
  public record Source(
      String field, String type, String subtype, String description, boolean masking) {}

  /** An output field with its type (when known) and its inputs. */
  public record Output(String name, String type, List<Source> inputs) {}

  private FieldLineage() {}

  public static List<Output> compute(SchemaSpec schema, List<TransformSpec> transforms) {
    FieldFlow flow = FieldFlow.of(schema, transforms);
    Map<String, List<Source>> fields = new LinkedHashMap<>();
    if (schema != null && schema.fields() != null) {
      for (SchemaSpec.Field f : schema.fields()) {
        fields.put(f.name(), List.of(identity(f.name())));
      }
    }
    List<TransformSpec> steps = transforms == null ? List.of() : transforms;
    for (int i = 0; i < steps.size(); i++) {
      TransformSpec t = steps.get(i);
      if (t == null) continue;
      FieldFlow.Fields after = flow.after(i);
      switch (t.kind()) {
        case "mask" -> mask(fields, t.mask(), after);
        case "normalize" -> normalize(fields, t.normalize(), after);
        case "derive" -> derive(fields, t.derive(), false);
        case "map" -> derive(fields, t.map(), true);
        case "aggregate" -> aggregate(fields, t.aggregate());
        default -> {} // validate, filter, dedupe, consent keep fields as they are
      }
    }
    FieldFlow.Fields out = flow.output();
    Iterable<String> names = out.known() ? out.visible() : fields.keySet();
    List<Output> result = new ArrayList<>();
    for (String name : names) {
      if (out.dropped().contains(name)) continue;
      SchemaSpec.Type type = out.types().get(name);
      result.add(
          new Output(
              name,
              type == null ? null : type.name().toLowerCase(Locale.ROOT),
              fields.getOrDefault(name, List.of())));
    }
    return List.copyOf(result);
  }

  private static Source identity(String f) {
    return new Source(f, "DIRECT", "IDENTITY", null, false);
  }

  private static List<Source> sources(Map<String, List<Source>> fields, String name) {
    return fields.getOrDefault(name, List.of(identity(name)));
  }

  private static void mask(
      Map<String, List<Source>> fields, MaskTransform m, FieldFlow.Fields after) {
    for (MaskTransform.Field f : m.fields()) {
      if (f.method() == MaskTransform.Method.DROP) {
        fields.remove(f.field());
        continue;
      }
      if (!after.masked().containsKey(f.field())) continue; // a field the record cannot have
      String how = "mask " + f.method().name().toLowerCase(Locale.ROOT).replace('_', '-');
      List<Source> masked = new ArrayList<>();
      for (Source s : sources(fields, f.field())) {
        masked.add(new Source(s.field(), "DIRECT", "TRANSFORMATION", how, true));
      }
      fields.put(f.field(), masked);
    }
  }

  private static void normalize(
      Map<String, List<Source>> fields, NormalizeTransform n, FieldFlow.Fields after) {
    for (NormalizeTransform.Rule r : n.rules()) {
      if (!after.canHave(r.field())) continue;
      List<Source> out = new ArrayList<>();
      for (Source s : sources(fields, r.field())) {
        String subtype = "IDENTITY".equals(s.subtype()) ? "TRANSFORMATION" : s.subtype();
        out.add(new Source(s.field(), s.type(), subtype, "normalize", s.masking()));
      }
      fields.put(r.field(), out);
    }
  }

  private static void derive(
      Map<String, List<Source>> fields, DeriveTransform d, boolean projection) {
    Map<String, List<Source>> before = new LinkedHashMap<>(fields);
    Map<String, List<Source>> result = projection ? new LinkedHashMap<>() : fields;
    for (DeriveTransform.Field f : d.fields()) {
      Set<String> refs = CelEnvironment.fieldsReadBy(f.expression());
      boolean identityCopy =
          refs.size() == 1 && f.expression().trim().equals(refs.iterator().next());
      List<Source> in = new ArrayList<>();
      for (String r : refs) {
        // a later field sees earlier results of the same step
        List<Source> src = result.containsKey(r) ? result.get(r) : before.get(r);
        if (src == null) continue;
        for (Source s : src) {
          in.add(
              new Source(
                  s.field(),
                  "DIRECT",
                  identityCopy ? s.subtype() : "TRANSFORMATION",
                  identityCopy ? s.description() : "cel: " + f.expression(),
                  s.masking()));
        }
      }
      result.put(f.name(), in);
    }
    if (projection) {
      fields.clear();
      fields.putAll(result);
    }
  }

  private static void aggregate(Map<String, List<Source>> fields, AggregateTransform a) {
    Map<String, List<Source>> out = new LinkedHashMap<>();
    if (a.keyFields() != null) {
      for (String k : a.keyFields()) {
        out.put(k, sources(fields, k));
      }
    }
    List<Source> time = new ArrayList<>();
    if (a.timestampField() != null && fields.containsKey(a.timestampField())) {
      for (Source s : fields.get(a.timestampField())) {
        time.add(
            new Source(
                s.field(), "INDIRECT", "WINDOW", "tumbling window of " + a.window(), s.masking()));
      }
    }
    FieldFlow.WINDOW_FIELDS.forEach(w -> out.put(w, List.copyOf(time)));
    for (AggregateTransform.Aggregation g : a.aggregations()) {
      List<Source> in = new ArrayList<>();
      if (g.field() != null && fields.containsKey(g.field())) {
        for (Source s : fields.get(g.field())) {
          in.add(
              new Source(
                  s.field(),
                  "DIRECT",
                  "AGGREGATION",
                  g.function().name().toLowerCase(Locale.ROOT) + " over " + a.window(),
                  s.masking()));
        }
      }
      out.put(g.as(), in);
    }
    fields.clear();
    fields.putAll(out);
  }
}

package io.tributary.runtime.lineage;

import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.MaskTransform;
import io.tributary.pipeline.transform.NormalizeTransform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which input fields each output field comes from, and how: computed from the schema and the
 * transform steps, without running them. Masked fields are marked {@code masking: true}, so a
 * lineage reader sees that personal data left the pipeline only masked. Pure.
 */
public final class FieldLineage {
  private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** One input field of an output field. */
  public record Source(
      String field, String type, String subtype, String description, boolean masking) {}

  /** An output field with its type (from the schema when known) and its inputs. */
  public record Output(String name, String type, List<Source> inputs) {}

  private FieldLineage() {}

  public static List<Output> compute(SchemaSpec schema, List<TransformSpec> transforms) {
    Map<String, Output> fields = new LinkedHashMap<>();
    if (schema != null && schema.fields() != null) {
      for (SchemaSpec.Field f : schema.fields()) {
        String type = f.type() == null ? null : f.type().name().toLowerCase();
        fields.put(f.name(), new Output(f.name(), type, List.of(identity(f.name()))));
      }
    }
    if (transforms == null) {
      return List.copyOf(fields.values());
    }
    for (TransformSpec t : transforms) {
      switch (t.kind()) {
        case "mask" -> mask(fields, t.mask());
        case "normalize" -> normalize(fields, t.normalize());
        case "derive" -> derive(fields, t.derive(), false);
        case "map" -> derive(fields, t.map(), true);
        case "aggregate" -> aggregate(fields, t.aggregate());
        default -> {} // validate, filter, dedupe, consent keep fields as they are
      }
    }
    return List.copyOf(fields.values());
  }

  private static Source identity(String f) {
    return new Source(f, "DIRECT", "IDENTITY", null, false);
  }

  private static void mask(Map<String, Output> fields, MaskTransform m) {
    for (MaskTransform.Field f : m.fields()) {
      Output o = fields.get(f.field());
      if (f.method() == MaskTransform.Method.DROP) {
        fields.remove(f.field());
        continue;
      }
      List<Source> in = o == null ? List.of(identity(f.field())) : o.inputs();
      List<Source> masked = new ArrayList<>();
      String how = "mask " + f.method().name().toLowerCase().replace('_', '-');
      for (Source s : in) {
        masked.add(new Source(s.field(), "DIRECT", "TRANSFORMATION", how, true));
      }
      // hmac and tokenize turn any value into text
      String type =
          f.method() == MaskTransform.Method.HMAC
                  || f.method() == MaskTransform.Method.TOKENIZE
                  || f.method() == MaskTransform.Method.REDACT
              ? "string"
              : o == null ? null : o.type();
      fields.put(f.field(), new Output(f.field(), type, masked));
    }
  }

  private static void normalize(Map<String, Output> fields, NormalizeTransform n) {
    for (NormalizeTransform.Rule r : n.rules()) {
      Output o = fields.get(r.field());
      List<Source> in = o == null ? List.of(identity(r.field())) : o.inputs();
      List<Source> out = new ArrayList<>();
      for (Source s : in) {
        String subtype = "IDENTITY".equals(s.subtype()) ? "TRANSFORMATION" : s.subtype();
        out.add(new Source(s.field(), s.type(), subtype, "normalize", s.masking()));
      }
      fields.put(r.field(), new Output(r.field(), o == null ? null : o.type(), out));
    }
  }

  private static void derive(Map<String, Output> fields, DeriveTransform d, boolean replace) {
    Map<String, Output> before = new LinkedHashMap<>(fields);
    Map<String, Output> result = replace ? new LinkedHashMap<>() : fields;
    for (DeriveTransform.Field f : d.fields()) {
      Set<String> refs = new LinkedHashSet<>();
      Matcher m = IDENT.matcher(stripStrings(f.expression()));
      while (m.find()) {
        String id = m.group();
        // a later field sees earlier results of the same step
        if (result.containsKey(id) || before.containsKey(id)) refs.add(id);
      }
      List<Source> in = new ArrayList<>();
      for (String r : refs) {
        Output src = result.containsKey(r) ? result.get(r) : before.get(r);
        for (Source s : src.inputs()) {
          boolean identityCopy = refs.size() == 1 && f.expression().trim().equals(r);
          in.add(
              new Source(
                  s.field(),
                  "DIRECT",
                  identityCopy ? s.subtype() : "TRANSFORMATION",
                  identityCopy ? s.description() : "cel: " + f.expression(),
                  s.masking()));
        }
      }
      result.put(f.name(), new Output(f.name(), null, in));
    }
    if (replace) {
      fields.clear();
      fields.putAll(result);
    }
  }

  private static void aggregate(Map<String, Output> fields, AggregateTransform a) {
    Map<String, Output> out = new LinkedHashMap<>();
    if (a.keyFields() != null) {
      for (String k : a.keyFields()) {
        Output o = fields.get(k);
        out.put(k, o != null ? o : new Output(k, null, List.of(identity(k))));
      }
    }
    for (AggregateTransform.Aggregation g : a.aggregations()) {
      List<Source> in = new ArrayList<>();
      if (g.field() != null && fields.containsKey(g.field())) {
        for (Source s : fields.get(g.field()).inputs()) {
          in.add(
              new Source(
                  s.field(),
                  "DIRECT",
                  "AGGREGATION",
                  g.function().name().toLowerCase() + " over " + a.window(),
                  s.masking()));
        }
      }
      String type = g.function() == AggregateTransform.Function.COUNT ? "integer" : "number";
      out.put(g.as(), new Output(g.as(), type, in));
    }
    fields.clear();
    fields.putAll(out);
  }

  /** CEL string literals are not field references. */
  private static String stripStrings(String expr) {
    return expr.replaceAll("'([^'\\\\]|\\\\.)*'|\"([^\"\\\\]|\\\\.)*\"", "''");
  }
}

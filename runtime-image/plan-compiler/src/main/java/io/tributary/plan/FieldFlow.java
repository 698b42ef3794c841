package io.tributary.plan;

import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.SinkSchema.TypeFrom;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.DeriveTransform;
import io.tributary.pipeline.transform.InferTransform;
import io.tributary.pipeline.transform.MaskTransform;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which fields a record has before and after each transform step, computed from the schema and the
 * steps without running them: the fields visible to CEL (or unknown), their types where known (so
 * number fields evaluate as doubles), the fields masked and how, and the fields known to be gone.
 * The worker's step compiler, the plan check and lineage all read this one analysis. Pure.
 *
 * <p>The rules: {@code schema.fields} (without {@code jsonSchema}) makes the fields known; {@code
 * derive} adds or overwrites fields (a computed field has the type of its CEL expression where the
 * checker can tell it, see {@link CelEnvironment#resultType}, else no known type; it is no longer
 * masked, and not required: an expression may yield null); {@code map} and {@code aggregate}
 * replace the record (aggregate emits its key fields, {@code window_start}, {@code window_end} and
 * the aggregates, which are numbers except counts; counts, sums and the window bounds are always
 * there, avg, min and max are null for a window with no value); {@code mask} marks fields masked
 * (every method except drop writes text) and {@code drop} removes them; {@code infer} adds its
 * output fields (numbers, classified as strongly as the unmasked fields the model reads); validate,
 * filter, normalize, dedupe and consent keep the fields as they are. A schema field with {@code
 * required: true} is required until a step removes or recomputes it.
 *
 * <p>Classification follows the data, conservatively: a schema field with a classification (or
 * {@code pii: true}) is classified; a computed field whose expression reads a classified field that
 * is not masked at that point is classified too, at the strongest level it reads (an expression
 * that reads only masked or unclassified fields yields an unclassified field, even under the name
 * of a classified one); an aggregate keeps its keys' classification, and an aggregate (other than
 * count) or window over a classified, unmasked field is classified. Masking keeps a field
 * classified but marks it masked; dropping removes it. {@link ClassifiedFields} turns this into the
 * personal-data policy.
 */
public final class FieldFlow {
  /** Output fields of an aggregate besides its keys and aggregates. */
  public static final List<String> WINDOW_FIELDS = List.of("window_start", "window_end");

  /**
   * The fields of a record at one point of the chain.
   *
   * @param visible the fields a record can have, in order; null when unknown (no field list), and
   *     then any field name is accepted
   * @param types the known types (schema types, aggregate outputs, text after masking); a field
   *     without an entry has no known type
   * @param masked fields whose value is the output of a mask step, with the method
   * @param dropped fields known to be gone: removed by a mask drop, or not kept by a map or
   *     aggregate
   * @param classified fields holding classified data (masked or not: see {@code masked}), with
   *     their level and the schema field the data comes from
   * @param required fields every record has, not null
   * @param typeFrom where each known type comes from
   */
  public record Fields(
      Set<String> visible,
      Map<String, SchemaSpec.Type> types,
      Map<String, MaskTransform.Method> masked,
      Set<String> dropped,
      Map<String, Classified> classified,
      Set<String> required,
      Map<String, TypeFrom> typeFrom) {

    public Fields {
      visible = visible == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(visible));
      types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
      masked = Collections.unmodifiableMap(new LinkedHashMap<>(masked));
      dropped = Collections.unmodifiableSet(new LinkedHashSet<>(dropped));
      classified = Collections.unmodifiableMap(new LinkedHashMap<>(classified));
      required = Collections.unmodifiableSet(new LinkedHashSet<>(required));
      typeFrom = Collections.unmodifiableMap(new LinkedHashMap<>(typeFrom));
    }

    /**
     * The classified data {@code field} holds here unmasked, or null when it holds none (not
     * classified, masked, or a field the record cannot have).
     */
    public Classified exposed(String field) {
      if (masked.containsKey(field) || dropped.contains(field) || !canHave(field)) return null;
      return classified.get(field);
    }

    /** Whether the visible fields are known. */
    public boolean known() {
      return visible != null;
    }

    /** Whether a record can have {@code field} here (always true when the fields are unknown). */
    public boolean canHave(String field) {
      return visible == null || visible.contains(field);
    }

    /** Fields typed {@code number}: CEL sees their integral JSON values as doubles. */
    public Set<String> numbers() {
      Set<String> out = new LinkedHashSet<>();
      types.forEach(
          (f, t) -> {
            if (t == SchemaSpec.Type.NUMBER) out.add(f);
          });
      return Collections.unmodifiableSet(out);
    }

    /**
     * These fields after computing {@code names} with CEL (derive and map compute them in order;
     * later expressions see earlier results).
     */
    public Fields withComputed(Collection<String> names) {
      Map<String, Classified> none = new LinkedHashMap<>();
      for (String n : names) none.put(n, null);
      return withComputed(none, Map.of());
    }

    /**
     * These fields after computing the keys of {@code computed}, each holding the classified data
     * its value is mapped to (null: none), with the types in {@code computedTypes} (a field without
     * one has no known type).
     */
    Fields withComputed(
        Map<String, Classified> computed, Map<String, SchemaSpec.Type> computedTypes) {
      Set<String> v = visible == null ? null : new LinkedHashSet<>(visible);
      if (v != null) v.addAll(computed.keySet());
      Map<String, SchemaSpec.Type> t = new LinkedHashMap<>(types);
      Map<String, MaskTransform.Method> m = new LinkedHashMap<>(masked);
      Set<String> d = new LinkedHashSet<>(dropped);
      Map<String, Classified> c = new LinkedHashMap<>(classified);
      Set<String> r = new LinkedHashSet<>(required);
      Map<String, TypeFrom> from = new LinkedHashMap<>(typeFrom);
      computed.forEach(
          (n, level) -> {
            t.remove(n);
            from.remove(n);
            SchemaSpec.Type type = computedTypes.get(n);
            if (type != null) {
              t.put(n, type);
              from.put(n, TypeFrom.EXPRESSION);
            }
            m.remove(n);
            d.remove(n);
            r.remove(n);
            if (level == null) c.remove(n);
            else c.put(n, level);
          });
      return new Fields(v, t, m, d, c, r, from);
    }

    /**
     * The classified data an expression reading {@code fields} yields here: the strongest level
     * among the fields it reads that hold classified data unmasked, or null.
     */
    public Classified readBy(Collection<String> fields) {
      Classified out = null;
      for (String f : fields) {
        Classified c = exposed(f);
        if (c != null && (out == null || c.level().compareTo(out.level()) > 0)) out = c;
      }
      return out;
    }
  }

  /**
   * Classified data held by a field.
   *
   * @param level personal or sensitive
   * @param source the schema field the data comes from (the field itself for a schema field)
   */
  public record Classified(SchemaSpec.Classification level, String source) {}

  private final Fields input;
  private final List<Fields> after;
  private final List<List<Fields>> computed;

  private FieldFlow(Fields input, List<Fields> after, List<List<Fields>> computed) {
    this.input = input;
    this.after = after;
    this.computed = computed;
  }

  /** The analysis of {@code transforms} over records of {@code schema} (both may be null). */
  public static FieldFlow of(SchemaSpec schema, List<TransformSpec> transforms) {
    Fields current = input(schema);
    Fields first = current;
    List<Fields> after = new ArrayList<>();
    List<List<Fields>> computed = new ArrayList<>();
    for (TransformSpec t : transforms == null ? List.<TransformSpec>of() : transforms) {
      List<Fields> scopes = new ArrayList<>();
      current = step(current, t, scopes);
      after.add(current);
      computed.add(List.copyOf(scopes));
    }
    return new FieldFlow(first, List.copyOf(after), List.copyOf(computed));
  }

  /** The fields of records entering the chain. */
  public Fields input() {
    return input;
  }

  /** The fields of records leaving the chain (what the sink receives). */
  public Fields output() {
    return after.isEmpty() ? input : after.get(after.size() - 1);
  }

  /** The number of steps analysed. */
  public int steps() {
    return after.size();
  }

  /** The fields of records entering step {@code index}. */
  public Fields before(int index) {
    return index == 0 ? input : after.get(index - 1);
  }

  /** The fields of records leaving step {@code index}. */
  public Fields after(int index) {
    return after.get(index);
  }

  /**
   * What field {@code field} of map/derive step {@code index} sees: the step's input plus the
   * fields computed before it in the same step.
   */
  public Fields seenByComputedField(int index, int field) {
    return computed.get(index).get(field);
  }

  private static Fields input(SchemaSpec schema) {
    Set<String> visible = null;
    Map<String, SchemaSpec.Type> types = new LinkedHashMap<>();
    Map<String, Classified> classified = new LinkedHashMap<>();
    Set<String> required = new LinkedHashSet<>();
    Map<String, TypeFrom> from = new LinkedHashMap<>();
    if (schema != null && schema.fields() != null) {
      if (schema.jsonSchema() == null && !schema.fields().isEmpty()) {
        visible = new LinkedHashSet<>();
      }
      for (SchemaSpec.Field f : schema.fields()) {
        if (f == null || f.name() == null) continue;
        if (visible != null) visible.add(f.name());
        if (f.type() != null) {
          types.put(f.name(), f.type());
          from.put(f.name(), TypeFrom.SCHEMA);
        }
        if (Boolean.TRUE.equals(f.required())) required.add(f.name());
        if (f.classifiedAs() != null) {
          classified.put(f.name(), new Classified(f.classifiedAs(), f.name()));
        }
      }
    }
    return new Fields(visible, types, Map.of(), Set.of(), classified, required, from);
  }

  private static Fields step(Fields in, TransformSpec t, List<Fields> scopes) {
    if (t == null) {
      return in;
    }
    return switch (t.kind()) {
      case "map" -> computed(in, t.map(), true, scopes);
      case "derive" -> computed(in, t.derive(), false, scopes);
      case "mask" -> mask(in, t.mask());
      case "aggregate" -> aggregate(in, t.aggregate());
      case "infer" -> infer(in, t.infer());
      default -> in; // validate, filter, normalize, dedupe and consent keep the fields
    };
  }

  private static Fields computed(
      Fields in, DeriveTransform spec, boolean projection, List<Fields> scopes) {
    Map<String, Classified> computed = new LinkedHashMap<>();
    Map<String, SchemaSpec.Type> types = new LinkedHashMap<>();
    Fields scope = in;
    if (spec != null && spec.fields() != null) {
      for (DeriveTransform.Field f : spec.fields()) {
        scopes.add(scope);
        if (f == null || f.name() == null) continue;
        Classified level = scope.readBy(CelEnvironment.fieldsReadBy(f.expression()));
        SchemaSpec.Type type = CelEnvironment.resultType(f.expression(), scope);
        Map<String, Classified> one = new LinkedHashMap<>();
        one.put(f.name(), level);
        computed.put(f.name(), level);
        types.remove(f.name());
        if (type != null) types.put(f.name(), type);
        scope = scope.withComputed(one, type == null ? Map.of() : Map.of(f.name(), type));
      }
    }
    if (!projection) {
      return scope;
    }
    Set<String> dropped = new LinkedHashSet<>(in.dropped());
    if (in.known()) dropped.addAll(in.visible());
    dropped.removeAll(computed.keySet());
    Map<String, Classified> classified = new LinkedHashMap<>();
    computed.forEach(
        (n, level) -> {
          if (level != null) classified.put(n, level);
        });
    Map<String, TypeFrom> from = new LinkedHashMap<>();
    types.keySet().forEach(n -> from.put(n, TypeFrom.EXPRESSION));
    return new Fields(
        new LinkedHashSet<>(computed.keySet()),
        types,
        Map.of(),
        dropped,
        classified,
        Set.of(),
        from);
  }

  private static Fields mask(Fields in, MaskTransform spec) {
    if (spec == null || spec.fields() == null) return in;
    Set<String> visible = in.known() ? new LinkedHashSet<>(in.visible()) : null;
    Map<String, SchemaSpec.Type> types = new LinkedHashMap<>(in.types());
    Map<String, MaskTransform.Method> masked = new LinkedHashMap<>(in.masked());
    Set<String> dropped = new LinkedHashSet<>(in.dropped());
    Map<String, Classified> classified = new LinkedHashMap<>(in.classified());
    Set<String> required = new LinkedHashSet<>(in.required());
    Map<String, TypeFrom> from = new LinkedHashMap<>(in.typeFrom());
    for (MaskTransform.Field f : spec.fields()) {
      if (f == null || f.field() == null || f.method() == null) continue;
      String name = f.field();
      if (f.method() == MaskTransform.Method.DROP) {
        if (visible != null) visible.remove(name);
        types.remove(name);
        from.remove(name);
        masked.remove(name);
        classified.remove(name);
        required.remove(name);
        dropped.add(name);
      } else if (in.canHave(name)) {
        // A field the record cannot have stays missing: masking leaves missing fields alone.
        types.put(name, SchemaSpec.Type.STRING);
        from.put(name, TypeFrom.MASK);
        masked.put(name, f.method());
      }
    }
    return new Fields(visible, types, masked, dropped, classified, required, from);
  }

  private static Fields infer(Fields in, InferTransform spec) {
    if (spec == null || spec.outputs() == null) return in;
    List<String> read = new ArrayList<>();
    if (spec.inputs() != null) {
      for (InferTransform.Input i : spec.inputs()) {
        if (i != null && i.fields() != null) read.addAll(i.fields());
      }
    }
    Classified level = in.readBy(read);
    Map<String, Classified> computed = new LinkedHashMap<>();
    for (InferTransform.Output o : spec.outputs()) {
      if (o != null && o.field() != null) computed.put(o.field(), level);
    }
    // No type: a tensor's shape (one number or a vector per record) is the model file's, which the
    // compiler does not read; a lake or feature store takes the value as JSON text.
    return in.withComputed(computed, Map.of());
  }

  private static Fields aggregate(Fields in, AggregateTransform spec) {
    if (spec == null) return in;
    Set<String> visible = new LinkedHashSet<>();
    Map<String, SchemaSpec.Type> types = new LinkedHashMap<>();
    Map<String, MaskTransform.Method> masked = new LinkedHashMap<>();
    Map<String, Classified> classified = new LinkedHashMap<>();
    Set<String> required = new LinkedHashSet<>();
    Map<String, TypeFrom> from = new LinkedHashMap<>();
    if (spec.keyFields() != null) {
      for (String k : spec.keyFields()) {
        visible.add(k);
        if (in.types().containsKey(k)) types.put(k, in.types().get(k));
        if (in.typeFrom().containsKey(k)) from.put(k, in.typeFrom().get(k));
        if (in.required().contains(k)) required.add(k);
        if (in.masked().containsKey(k)) masked.put(k, in.masked().get(k));
        if (in.classified().containsKey(k) && in.canHave(k) && !in.dropped().contains(k)) {
          classified.put(k, in.classified().get(k));
        }
      }
    }
    visible.addAll(WINDOW_FIELDS);
    Classified time = spec.timestampField() == null ? null : in.exposed(spec.timestampField());
    for (String w : WINDOW_FIELDS) {
      types.put(w, SchemaSpec.Type.TIMESTAMP);
      from.put(w, TypeFrom.AGGREGATE);
      required.add(w);
      masked.remove(w);
      if (time != null) classified.put(w, time);
      else classified.remove(w);
    }
    if (spec.aggregations() != null) {
      for (AggregateTransform.Aggregation a : spec.aggregations()) {
        if (a == null || a.as() == null) continue;
        visible.add(a.as());
        types.put(
            a.as(),
            a.function() == AggregateTransform.Function.COUNT
                ? SchemaSpec.Type.INTEGER
                : SchemaSpec.Type.NUMBER);
        from.put(a.as(), TypeFrom.AGGREGATE);
        // Every window has a count and a sum (0 without values); avg, min and max are null then.
        if (a.function() == AggregateTransform.Function.COUNT
            || a.function() == AggregateTransform.Function.SUM) {
          required.add(a.as());
        } else {
          required.remove(a.as());
        }
        masked.remove(a.as());
        // A count reads no field; min, max, sum and avg of one record are its value.
        Classified over =
            a.function() == AggregateTransform.Function.COUNT || a.field() == null
                ? null
                : in.exposed(a.field());
        if (over != null) classified.put(a.as(), over);
        else classified.remove(a.as());
      }
    }
    Set<String> dropped = new LinkedHashSet<>(in.dropped());
    if (in.known()) dropped.addAll(in.visible());
    dropped.removeAll(visible);
    return new Fields(visible, types, masked, dropped, classified, required, from);
  }
}

package io.tributary.plan;

import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.transform.AggregateTransform;
import io.tributary.pipeline.transform.DeriveTransform;
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
 * derive} adds or overwrites fields (a computed field has no known type and is no longer masked);
 * {@code map} and {@code aggregate} replace the record (aggregate emits its key fields, {@code
 * window_start}, {@code window_end} and the aggregates, which are numbers except counts); {@code
 * mask} marks fields masked (every method except drop writes text) and {@code drop} removes them;
 * validate, filter, normalize, dedupe and consent keep the fields as they are.
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
   */
  public record Fields(
      Set<String> visible,
      Map<String, SchemaSpec.Type> types,
      Map<String, MaskTransform.Method> masked,
      Set<String> dropped) {

    public Fields {
      visible = visible == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(visible));
      types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
      masked = Collections.unmodifiableMap(new LinkedHashMap<>(masked));
      dropped = Collections.unmodifiableSet(new LinkedHashSet<>(dropped));
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
      Set<String> v = visible == null ? null : new LinkedHashSet<>(visible);
      if (v != null) v.addAll(names);
      Map<String, SchemaSpec.Type> t = new LinkedHashMap<>(types);
      Map<String, MaskTransform.Method> m = new LinkedHashMap<>(masked);
      Set<String> d = new LinkedHashSet<>(dropped);
      for (String n : names) {
        t.remove(n);
        m.remove(n);
        d.remove(n);
      }
      return new Fields(v, t, m, d);
    }
  }

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
    if (schema != null && schema.fields() != null) {
      if (schema.jsonSchema() == null && !schema.fields().isEmpty()) {
        visible = new LinkedHashSet<>();
      }
      for (SchemaSpec.Field f : schema.fields()) {
        if (visible != null) visible.add(f.name());
        if (f.type() != null) types.put(f.name(), f.type());
      }
    }
    return new Fields(visible, types, Map.of(), Set.of());
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
      default -> in; // validate, filter, normalize, dedupe and consent keep the fields
    };
  }

  private static Fields computed(
      Fields in, DeriveTransform spec, boolean projection, List<Fields> scopes) {
    List<String> names = new ArrayList<>();
    Fields scope = in;
    if (spec != null && spec.fields() != null) {
      for (DeriveTransform.Field f : spec.fields()) {
        scopes.add(scope);
        if (f == null || f.name() == null) continue;
        names.add(f.name());
        scope = scope.withComputed(List.of(f.name()));
      }
    }
    if (!projection) {
      return scope;
    }
    Set<String> dropped = new LinkedHashSet<>(in.dropped());
    if (in.known()) dropped.addAll(in.visible());
    dropped.removeAll(names);
    return new Fields(new LinkedHashSet<>(names), Map.of(), Map.of(), dropped);
  }

  private static Fields mask(Fields in, MaskTransform spec) {
    if (spec == null || spec.fields() == null) return in;
    Set<String> visible = in.known() ? new LinkedHashSet<>(in.visible()) : null;
    Map<String, SchemaSpec.Type> types = new LinkedHashMap<>(in.types());
    Map<String, MaskTransform.Method> masked = new LinkedHashMap<>(in.masked());
    Set<String> dropped = new LinkedHashSet<>(in.dropped());
    for (MaskTransform.Field f : spec.fields()) {
      if (f == null || f.field() == null || f.method() == null) continue;
      String name = f.field();
      if (f.method() == MaskTransform.Method.DROP) {
        if (visible != null) visible.remove(name);
        types.remove(name);
        masked.remove(name);
        dropped.add(name);
      } else if (in.canHave(name)) {
        // A field the record cannot have stays missing: masking leaves missing fields alone.
        types.put(name, SchemaSpec.Type.STRING);
        masked.put(name, f.method());
      }
    }
    return new Fields(visible, types, masked, dropped);
  }

  private static Fields aggregate(Fields in, AggregateTransform spec) {
    if (spec == null) return in;
    Set<String> visible = new LinkedHashSet<>();
    Map<String, SchemaSpec.Type> types = new LinkedHashMap<>();
    Map<String, MaskTransform.Method> masked = new LinkedHashMap<>();
    if (spec.keyFields() != null) {
      for (String k : spec.keyFields()) {
        visible.add(k);
        if (in.types().containsKey(k)) types.put(k, in.types().get(k));
        if (in.masked().containsKey(k)) masked.put(k, in.masked().get(k));
      }
    }
    visible.addAll(WINDOW_FIELDS);
    WINDOW_FIELDS.forEach(w -> types.put(w, SchemaSpec.Type.TIMESTAMP));
    if (spec.aggregations() != null) {
      for (AggregateTransform.Aggregation a : spec.aggregations()) {
        if (a == null || a.as() == null) continue;
        visible.add(a.as());
        types.put(
            a.as(),
            a.function() == AggregateTransform.Function.COUNT
                ? SchemaSpec.Type.INTEGER
                : SchemaSpec.Type.NUMBER);
        masked.remove(a.as());
      }
    }
    Set<String> dropped = new LinkedHashSet<>(in.dropped());
    if (in.known()) dropped.addAll(in.visible());
    dropped.removeAll(visible);
    return new Fields(visible, types, masked, dropped);
  }
}

package io.tributary.runtime.batch.sink;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * How an existing table's schema must change to hold the fields at the sink (the plan's sink
 * schema: spec.schema as the steps leave it), by Iceberg's schema evolution rules, or why it
 * cannot. Pure: columns are matched by name.
 *
 * <p>Allowed, and applied in the run's commit: a new optional column; a type promotion Iceberg
 * allows ({@link TypeUtil#isPromotionAllowed}: int → long, float → double, a wider decimal); a
 * required column made optional. Refused, before anything is written: any other type change
 * (narrowing included), a new required column (rows already in the table have no value for it), an
 * optional column made required, and a required table column that does not reach the sink (the run
 * could not write its rows). Table columns that no longer reach the sink stay in the table and are
 * written as null: dropping a column is a decision for a person.
 */
final class IcebergEvolution {
  private IcebergEvolution() {}

  /** One change to apply to the table's schema. */
  sealed interface Change {
    void apply(UpdateSchema update);
  }

  /** A new optional column. */
  record AddColumn(String name, Type type) implements Change {
    @Override
    public void apply(UpdateSchema update) {
      update.addColumn(name, type);
    }
  }

  /** A type promotion, e.g. int → long. */
  record Widen(String name, Type from, Type.PrimitiveType to) implements Change {
    @Override
    public void apply(UpdateSchema update) {
      update.updateColumn(name, to);
    }
  }

  /** A required column that becomes optional. */
  record MakeOptional(String name) implements Change {
    @Override
    public void apply(UpdateSchema update) {
      update.makeColumnOptional(name);
    }
  }

  /** The changes, or the refusals (each naming the column); never both. */
  record Result(List<Change> changes, List<String> refusals) {
    boolean refused() {
      return !refusals.isEmpty();
    }
  }

  /** What turns {@code table} into a schema that holds {@code wanted}. */
  static Result compare(Schema table, Schema wanted) {
    List<Change> changes = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (Types.NestedField w : wanted.columns()) {
      Types.NestedField t = table.findField(w.name());
      if (t == null) {
        if (w.isRequired()) {
          refusals.add(
              "column "
                  + w.name()
                  + " ("
                  + w.type()
                  + ") is new and required at the sink: Iceberg adds only optional columns"
                  + " (rows already in the table have no value); drop required from the field");
        } else {
          changes.add(new AddColumn(w.name(), w.type()));
        }
        continue;
      }
      if (!t.type().equals(w.type())) {
        if (t.type().isPrimitiveType()
            && w.type().isPrimitiveType()
            && TypeUtil.isPromotionAllowed(t.type(), w.type().asPrimitiveType())) {
          changes.add(new Widen(w.name(), t.type(), w.type().asPrimitiveType()));
        } else {
          refusals.add(
              "column "
                  + w.name()
                  + ": type "
                  + t.type()
                  + " in the table cannot change to "
                  + w.type()
                  + " (at the sink); Iceberg allows only int → long, float → double and a wider"
                  + " decimal");
          continue;
        }
      }
      if (t.isOptional() && w.isRequired()) {
        refusals.add(
            "column "
                + w.name()
                + " ("
                + t.type()
                + ") is optional in the table and required at the sink: Iceberg cannot make"
                + " a column required; drop required from the field");
      } else if (t.isRequired() && w.isOptional()) {
        changes.add(new MakeOptional(w.name()));
      }
    }
    for (Types.NestedField t : table.columns()) {
      if (t.isRequired() && wanted.findField(t.name()) == null) {
        refusals.add(
            "column "
                + t.name()
                + " ("
                + t.type()
                + ") is required in the table but not a field at the sink: a run cannot write"
                + " rows without it; keep the field through the steps (or add it to"
                + " spec.schema)");
      }
    }
    return refusals.isEmpty()
        ? new Result(List.copyOf(changes), List.of())
        : new Result(List.of(), List.copyOf(refusals));
  }
}

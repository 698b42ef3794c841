package io.tributary.runtime.batch.sink;

import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.plan.SinkSchema;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.UpdatePartitionSpec;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The Iceberg schema and partition spec of a lake sink, from the plan's sink schema (the fields at
 * the sink, computed by the plan compiler) and {@code partitionBy}. Pure. The type mapping (also in
 * docs/lake.md):
 *
 * <table>
 *   <tr><th>spec.schema type</th><th>Iceberg type</th></tr>
 *   <tr><td>string</td><td>string</td></tr>
 *   <tr><td>integer</td><td>long</td></tr>
 *   <tr><td>number</td><td>double</td></tr>
 *   <tr><td>boolean</td><td>boolean</td></tr>
 *   <tr><td>timestamp</td><td>timestamptz (microseconds, UTC)</td></tr>
 *   <tr><td>object, array</td><td>string (the JSON text)</td></tr>
 * </table>
 *
 * <p>A column the sink schema marks required (a schema field with {@code required: true} that no
 * step recomputes; an aggregate's count, sum and window bounds) is a required column; every other
 * column is optional.
 */
final class IcebergSchemas {
  private IcebergSchemas() {}

  /** The Iceberg type of a spec.schema type. */
  static Type type(SchemaSpec.Type t) {
    return switch (t) {
      case STRING, OBJECT, ARRAY -> Types.StringType.get();
      case INTEGER -> Types.LongType.get();
      case NUMBER -> Types.DoubleType.get();
      case BOOLEAN -> Types.BooleanType.get();
      case TIMESTAMP -> Types.TimestampType.withZone();
    };
  }

  /** The columns at the sink, in order (ids 1..n; a new table gets fresh ones anyway). */
  static Schema schema(SinkSchema schema) {
    List<Types.NestedField> columns = new ArrayList<>();
    int id = 1;
    for (SinkSchema.Column f : schema.columns()) {
      columns.add(
          f.required()
              ? Types.NestedField.required(id++, f.name(), type(f.type()), f.description())
              : Types.NestedField.optional(id++, f.name(), type(f.type()), f.description()));
    }
    return new Schema(columns);
  }

  /** Identity partitions on the {@code partitionBy} columns of {@code schema}. */
  static PartitionSpec spec(Schema schema, List<String> partitionBy) {
    PartitionSpec.Builder b = PartitionSpec.builderFor(schema);
    for (String column : partitionBy) {
      b.identity(column);
    }
    return b.build();
  }

  /** The columns {@code spec} partitions by with the identity transform. */
  static Set<String> identityColumns(PartitionSpec spec, Schema schema) {
    Set<String> out = new LinkedHashSet<>();
    for (PartitionField f : spec.fields()) {
      if (f.transform().isIdentity()) out.add(schema.findColumnName(f.sourceId()));
    }
    return out;
  }

  /**
   * What turns the table's partition spec into identity partitions on exactly {@code partitionBy}:
   * the partition fields to remove (any other transform or column) and the columns to add. Iceberg
   * keeps the data already written in its old layout; only new files follow the new spec.
   */
  record SpecChange(List<String> removeFields, List<String> addColumns) {
    boolean isEmpty() {
      return removeFields.isEmpty() && addColumns.isEmpty();
    }

    void apply(UpdatePartitionSpec update) {
      removeFields.forEach(update::removeField);
      addColumns.forEach(update::addField);
    }
  }

  static SpecChange specChange(PartitionSpec spec, Schema schema, List<String> partitionBy) {
    List<String> remove = new ArrayList<>();
    for (PartitionField f : spec.fields()) {
      if (!f.transform().isIdentity()
          || !partitionBy.contains(schema.findColumnName(f.sourceId()))) {
        remove.add(f.name());
      }
    }
    Set<String> have = identityColumns(spec, schema);
    List<String> add = partitionBy.stream().filter(c -> !have.contains(c)).toList();
    return new SpecChange(List.copyOf(remove), add);
  }
}

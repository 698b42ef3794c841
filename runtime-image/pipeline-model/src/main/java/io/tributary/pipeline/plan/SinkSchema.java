package io.tributary.pipeline.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.transform.MaskTransform;
import java.util.List;
import java.util.Optional;

/**
 * The fields of the records that reach the sink, computed by the plan compiler from {@code
 * spec.schema} and the transform chain: the source's fields as the steps leave them, fields added
 * by derive, map and aggregate, without the fields dropped or not kept. The lake (Parquet, JSON
 * Lines, Iceberg) and feature-store writers take their columns from here and from nowhere else.
 *
 * @param columns in order: the schema's fields first, then fields as the steps add them
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SinkSchema(List<Column> columns) {

  public SinkSchema {
    columns = List.copyOf(columns);
  }

  /**
   * One field at the sink.
   *
   * @param name the field name
   * @param type its type at the sink (a masked field is a string)
   * @param required true when every record reaching the sink has a non-null value
   * @param masked the mask method whose output the field holds, or null
   * @param typeFrom where the type comes from (see {@link TypeFrom})
   * @param description the schema field's description, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Column(
      String name,
      SchemaSpec.Type type,
      boolean required,
      MaskTransform.Method masked,
      TypeFrom typeFrom,
      String description) {}

  /** Where a column's type comes from, so a reader of the plan can tell a fallback. */
  public enum TypeFrom {
    /** The field's type in spec.schema. */
    @JsonProperty("schema")
    SCHEMA,
    /** The type of the CEL expression that computes it (derive, map). */
    @JsonProperty("expression")
    EXPRESSION,
    /** The aggregate function or window bound that produces it. */
    @JsonProperty("aggregate")
    AGGREGATE,
    /** The text a mask method writes. */
    @JsonProperty("mask")
    MASK,
    /**
     * Unknown (an expression of dynamic type): the column holds the value's JSON text. Write a
     * conversion (double(x), int(x), string(x)) in the expression to give the column a type.
     */
    @JsonProperty("fallbackString")
    FALLBACK_STRING
  }

  /** The column named {@code name}, if the sink has it. */
  public Optional<Column> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The column names, in order. */
  public List<String> names() {
    return columns.stream().map(Column::name).toList();
  }
}

package io.tributary.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/**
 * The record schema. Drives the validate transform, lineage schema facets and PII tagging. Either
 * list fields or give a full JSON Schema document; fields marked pii are reported in lineage.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchemaSpec(
    @JsonPropertyDescription("Fields of a record.") List<Field> fields,
    @JsonPropertyDescription(
            "A JSON Schema (draft 2020-12) document as a string, for rules the field list cannot"
                + " express. When set, validate uses it instead of fields.")
        String jsonSchema) {

  /** One field of the schema. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Field(
      @Required @Pattern("^[A-Za-z_][A-Za-z0-9_]*$") @JsonPropertyDescription("Field name.")
          String name,
      @Required
          @JsonPropertyDescription("string, integer, number, boolean, timestamp, object or array.")
          Type type,
      @JsonPropertyDescription("The field must be present and not null.") Boolean required,
      @JsonPropertyDescription(
              "The field holds personal data; lineage marks it, and mask should cover it.")
          Boolean pii,
      @JsonPropertyDescription("What the field means.") String description) {

    /** An optional field that holds no personal data. */
    public static Field of(String name, Type type) {
      return new Field(name, type, null, null, null);
    }

    /** The same field, required. */
    public Field asRequired() {
      return new Field(name, type, true, pii, description);
    }

    /** The same field, marked as personal data. */
    public Field asPii() {
      return new Field(name, type, required, true, description);
    }
  }

  /** Field types. */
  public enum Type {
    @JsonProperty("string")
    STRING,
    @JsonProperty("integer")
    INTEGER,
    @JsonProperty("number")
    NUMBER,
    @JsonProperty("boolean")
    BOOLEAN,
    @JsonProperty("timestamp")
    TIMESTAMP,
    @JsonProperty("object")
    OBJECT,
    @JsonProperty("array")
    ARRAY
  }
}

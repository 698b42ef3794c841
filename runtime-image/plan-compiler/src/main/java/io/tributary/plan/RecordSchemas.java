package io.tributary.plan;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import io.tributary.pipeline.SchemaSpec;

/**
 * The JSON Schema (draft 2020-12) a validate step checks records against: {@code schema.jsonSchema}
 * as given, or one built from the field list (required fields must be present and non-null;
 * timestamp fields are ISO-8601 date-time strings or epoch milliseconds). The plan check compiles
 * it the same way the worker does, so a schema the worker cannot load is refused by the operator.
 */
public final class RecordSchemas {
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

  private RecordSchemas() {}

  /** Whether a validate step has something to check records against. */
  public static boolean present(SchemaSpec spec) {
    return spec != null
        && (spec.jsonSchema() != null || (spec.fields() != null && !spec.fields().isEmpty()));
  }

  /**
   * @throws IllegalArgumentException when there is no schema, or {@code jsonSchema} does not load
   */
  public static JsonSchema compile(SchemaSpec spec) {
    if (!present(spec)) {
      throw new IllegalArgumentException(
          "validate needs spec.schema with fields or jsonSchema; add a schema or remove the step");
    }
    if (spec.jsonSchema() != null) {
      try {
        return FACTORY.getSchema(spec.jsonSchema(), CONFIG);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "is not a valid JSON Schema (draft 2020-12): " + e.getMessage(), e);
      }
    }
    return FACTORY.getSchema(fromFields(spec).toString(), CONFIG);
  }

  /** The JSON Schema document equivalent to {@code spec.fields}. */
  public static ObjectNode fromFields(SchemaSpec spec) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode root = json.objectNode().put("type", "object");
    ObjectNode props = root.putObject("properties");
    ArrayNode required = json.arrayNode();
    for (SchemaSpec.Field f : spec.fields()) {
      boolean req = Boolean.TRUE.equals(f.required());
      ObjectNode p = typeOf(f.type());
      if (!req) {
        p =
            json.objectNode()
                .set("anyOf", json.arrayNode().add(p).add(json.objectNode().put("type", "null")));
      } else {
        required.add(f.name());
      }
      props.set(f.name(), p);
    }
    if (!required.isEmpty()) {
      root.set("required", required);
    }
    return root;
  }

  private static ObjectNode typeOf(SchemaSpec.Type type) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    if (type == null) {
      return json.objectNode();
    }
    return switch (type) {
      case STRING -> json.objectNode().put("type", "string");
      case INTEGER -> json.objectNode().put("type", "integer");
      case NUMBER -> json.objectNode().put("type", "number");
      case BOOLEAN -> json.objectNode().put("type", "boolean");
      case OBJECT -> json.objectNode().put("type", "object");
      case ARRAY -> json.objectNode().put("type", "array");
      case TIMESTAMP ->
          json.objectNode()
              .set(
                  "anyOf",
                  json.arrayNode()
                      .add(json.objectNode().put("type", "string").put("format", "date-time"))
                      .add(json.objectNode().put("type", "integer")));
    };
  }
}

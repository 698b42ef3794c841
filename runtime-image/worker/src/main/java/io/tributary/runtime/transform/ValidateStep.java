package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.transform.ValidateTransform.OnInvalid;
import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Checks records against the pipeline's JSON Schema (draft 2020-12): the given document, or one
 * built from the field list (required fields must be present and non-null; timestamp fields are
 * ISO-8601 date-time strings or epoch milliseconds).
 */
final class ValidateStep implements Step {
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

  private final JsonSchema schema;
  private final OnInvalid onInvalid;

  ValidateStep(SchemaSpec spec, OnInvalid onInvalid) {
    this.schema = compile(spec);
    this.onInvalid = onInvalid;
  }

  static JsonSchema compile(SchemaSpec spec) {
    if (spec == null
        || (spec.jsonSchema() == null && (spec.fields() == null || spec.fields().isEmpty()))) {
      throw new IllegalArgumentException(
          "validate needs spec.schema with fields or jsonSchema; add a schema or remove the step");
    }
    if (spec.jsonSchema() != null) {
      try {
        return FACTORY.getSchema(spec.jsonSchema(), CONFIG);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "schema.jsonSchema is not a valid JSON Schema: " + e.getMessage(), e);
      }
    }
    return FACTORY.getSchema(fromFields(spec).toString(), CONFIG);
  }

  static ObjectNode fromFields(SchemaSpec spec) {
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

  @Override
  public void process(ObjectNode record, Instant now, Consumer<ObjectNode> out) {
    Set<ValidationMessage> errors = schema.validate((JsonNode) record);
    if (errors.isEmpty()) {
      out.accept(record);
      return;
    }
    if (onInvalid == OnInvalid.DROP) {
      return;
    }
    String reason =
        "invalid: "
            + errors.stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .limit(5)
                .collect(Collectors.joining("; "));
    throw new StepRejection(reason, onInvalid == OnInvalid.FAIL);
  }
}

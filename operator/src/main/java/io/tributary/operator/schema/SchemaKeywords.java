package io.tributary.operator.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * The schema keywords CrdSchemaValidator understands. A CRD using any other keyword is refused at
 * load, loudly: a validator that silently skipped, say, {@code uniqueItems} would let a test pass
 * that the API server would fail.
 */
final class SchemaKeywords {
  static final Set<String> SUPPORTED =
      Set.of(
          "type",
          "description",
          "properties",
          "required",
          "items",
          "additionalProperties",
          "enum",
          "pattern",
          "minimum",
          "maximum",
          "minItems",
          "maxItems",
          "minLength",
          "maxLength",
          "minProperties",
          "maxProperties",
          "x-kubernetes-validations",
          "x-kubernetes-preserve-unknown-fields",
          // Accepted and not checked: the API server validates only a few formats, and
          // nullable only matters for explicit nulls, which the validator drops like it does.
          "format",
          "nullable",
          // int-or-string (Fabric8's IntOrString, Quantity) is anyOf [integer, string].
          "x-kubernetes-int-or-string",
          "anyOf",
          // A default makes Argo CD show drift; CrdApiServerLimitsTest forbids it.
          "default");

  private SchemaKeywords() {}

  /**
   * @throws IllegalArgumentException naming the keyword and where it is
   */
  static void requireSupported(JsonNode node, String path) {
    node.fieldNames()
        .forEachRemaining(
            keyword -> {
              if (!SUPPORTED.contains(keyword)) {
                throw new IllegalArgumentException(
                    (path.isEmpty() ? "<root>" : path)
                        + ": schema keyword '"
                        + keyword
                        + "' is not supported by CrdSchemaValidator; teach it how the API server"
                        + " checks it");
              }
            });
    if (node.has("anyOf") && !node.path("x-kubernetes-int-or-string").asBoolean(false)) {
      throw new IllegalArgumentException(
          path + ": anyOf is supported only with x-kubernetes-int-or-string");
    }
    node.path("properties")
        .fields()
        .forEachRemaining(
            f ->
                requireSupported(
                    f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey()));
    if (node.path("items").isObject()) {
      requireSupported(node.get("items"), path + "[]");
    }
    if (node.path("additionalProperties").isObject()) {
      requireSupported(node.get("additionalProperties"), path + "{}");
    }
  }
}

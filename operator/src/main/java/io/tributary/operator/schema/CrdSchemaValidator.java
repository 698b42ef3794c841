package io.tributary.operator.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates a manifest against the openAPIV3Schema of a generated CRD the way the Kubernetes API
 * server does for the schema features Tributary uses: type, required, enum, pattern, minimum and
 * maximum, min/maxItems, min/maxLength, min/maxProperties, int-or-string, unknown fields and every
 * {@code x-kubernetes-validations} rule (CEL, {@code self} bound to the value at the rule's node).
 *
 * <p>Violations read {@code path: message}. Schema violations use the API server's own wording
 * (e.g. {@code spec.sink: Required value}, {@code ... in body should match '...'}) and CEL
 * violations the rule's message, so a test can expect the same text that {@code kubectl apply}
 * prints. Unknown fields are errors, not silently pruned: a typo in a spec field must fail a test,
 * as it fails {@code kubectl apply} with strict field validation.
 *
 * <p>Like the API server, CEL rules are not evaluated when the schema validation found a blocking
 * error (a missing required field, a wrong type, a value outside an enum, a too long string or
 * list): rules may rely on those guarantees.
 */
public final class CrdSchemaValidator {
  /** The API server's note when it skipped CEL rules because of blocking schema errors. */
  public static final String RULES_NOT_CHECKED =
      "some validation rules were not checked because the object was invalid; correct the"
          + " existing errors to complete validation";

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private final String group;
  private final String kind;
  private final String version;
  private final boolean namespaced;
  private final JsonNode schema;
  private final CelRules celRules;

  private CrdSchemaValidator(
      String group, String kind, String version, boolean namespaced, JsonNode schema) {
    this.group = group;
    this.kind = kind;
    this.version = version;
    this.namespaced = namespaced;
    this.schema = schema;
    this.celRules = new CelRules();
  }

  /** Loads a CRD YAML file such as {@code target/crds/streamjobs.tributary.io-v1.yml}. */
  public static CrdSchemaValidator load(Path crdYaml) {
    try {
      return parse(crdYaml.toString(), Files.readString(crdYaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a CRD from its YAML text.
   *
   * @param source where the text came from, for error messages
   */
  public static CrdSchemaValidator parse(String source, String crdYaml) {
    try {
      JsonNode crd = YAML.readTree(crdYaml);
      JsonNode spec = crd.path("spec");
      JsonNode version = spec.path("versions").path(0);
      JsonNode schema = version.path("schema").path("openAPIV3Schema");
      if (!schema.isObject()) {
        throw new IllegalArgumentException(source + ": no spec.versions[0].schema.openAPIV3Schema");
      }
      SchemaKeywords.requireSupported(schema, "");
      return new CrdSchemaValidator(
          spec.path("group").asText(),
          spec.path("names").path("kind").asText(),
          version.path("name").asText(),
          "Namespaced".equals(spec.path("scope").asText()),
          schema);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String kind() {
    return kind;
  }

  public String apiVersion() {
    return group + "/" + version;
  }

  public boolean namespaced() {
    return namespaced;
  }

  /** Validates one YAML document. */
  public List<String> validate(String manifestYaml) {
    try {
      return validate(YAML.readTree(manifestYaml));
    } catch (IOException e) {
      return List.of("<document>: not valid YAML: " + e.getMessage());
    }
  }

  /** Validates one object; an empty list means the API server would accept it. */
  public List<String> validate(JsonNode manifest) {
    List<Violation> out = new ArrayList<>();
    if (!manifest.isObject()) {
      return List.of("<document>: must be an object");
    }
    if (!apiVersion().equals(manifest.path("apiVersion").asText())) {
      out.add(Violation.of("apiVersion", "must be " + apiVersion(), false));
    }
    if (!kind.equals(manifest.path("kind").asText())) {
      out.add(Violation.of("kind", "must be " + kind, false));
    }
    validateMetadata(manifest.path("metadata"), out);
    // apiVersion, kind and metadata are validated by the API server itself, not the CRD schema.
    ObjectNode body = ((ObjectNode) manifest).deepCopy();
    body.remove(List.of("apiVersion", "kind", "metadata"));
    walk(body, schema, "", out);
    if (out.stream().anyMatch(Violation::blocking)) {
      out.add(Violation.of("<nil>", RULES_NOT_CHECKED, false));
    } else {
      celPass(body, schema, "", out);
    }
    return out.stream().map(Violation::text).toList();
  }

  private void validateMetadata(JsonNode metadata, List<Violation> out) {
    String name = metadata.path("name").asText("");
    if (name.isEmpty()) {
      out.add(Violation.of("metadata.name", "Required value", true));
    } else if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
      out.add(
          Violation.of(
              "metadata.name",
              "Invalid value: "
                  + ValueChecks.quote(name)
                  + ": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
                  + " characters, '-' or '.'",
              false));
    }
    if (!namespaced && metadata.has("namespace")) {
      out.add(Violation.of("metadata.namespace", kind + " is cluster-scoped: remove it", false));
    }
  }

  /** Structural validation of {@code value} (never null) against {@code node}. */
  private void walk(JsonNode value, JsonNode node, String path, List<Violation> out) {
    String type = node.path("type").asText("");
    boolean intOrString = node.path("x-kubernetes-int-or-string").asBoolean(false);
    if (intOrString) {
      type = value.isIntegralNumber() ? "integer" : value.isTextual() ? "string" : "integer,string";
    }
    if (!ValueChecks.hasType(value, type) || intOrString && type.contains(",")) {
      String actual = ValueChecks.jsonType(value);
      out.add(
          Violation.of(
              path,
              "Invalid value: "
                  + ValueChecks.quote(actual)
                  + ": "
                  + path
                  + " in body must be of type "
                  + type
                  + ": "
                  + ValueChecks.quote(actual),
              true));
      return;
    }
    ValueChecks.checkEnum(value, node, path, out);
    switch (type) {
      case "object" -> walkObject((ObjectNode) value, node, path, out);
      case "array" -> walkArray(value, node, path, out);
      case "string" -> ValueChecks.checkString(value.asText(), node, path, out);
      case "integer", "number" -> ValueChecks.checkNumber(value, node, path, out);
      default -> {}
    }
  }

  private void walkObject(ObjectNode value, JsonNode node, String path, List<Violation> out) {
    JsonNode properties = node.path("properties");
    JsonNode additional = node.get("additionalProperties");
    boolean preserveUnknown = node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    for (JsonNode required : node.path("required")) {
      JsonNode v = value.get(required.asText());
      if (v == null || v.isNull()) {
        out.add(Violation.of(join(path, required.asText()), "Required value", true));
      }
    }
    int size = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      size++;
      String fieldPath = join(path, field.getKey());
      if (field.getValue().isNull()) {
        continue; // the API server drops nulls of non-nullable fields
      }
      if (properties.has(field.getKey())) {
        walk(field.getValue(), properties.get(field.getKey()), fieldPath, out);
      } else if (additional != null && additional.isObject()) {
        walk(field.getValue(), additional, fieldPath, out);
      } else if (!preserveUnknown && !(additional != null && additional.asBoolean(false))) {
        out.add(Violation.of(fieldPath, "unknown field " + ValueChecks.quote(fieldPath), false));
      }
    }
    if (node.has("minProperties") && size < node.get("minProperties").asInt()) {
      out.add(
          Violation.of(
              path,
              "Invalid value: "
                  + size
                  + ": "
                  + path
                  + " in body should have at least "
                  + node.get("minProperties").asInt()
                  + " properties",
              false));
    }
    if (node.has("maxProperties") && size > node.get("maxProperties").asInt()) {
      out.add(
          Violation.of(
              path,
              "Too many: " + size + ": must have at most " + node.get("maxProperties").asInt(),
              true));
    }
  }

  private void walkArray(JsonNode value, JsonNode node, String path, List<Violation> out) {
    int size = value.size();
    if (node.has("minItems") && size < node.get("minItems").asInt()) {
      out.add(
          Violation.of(
              path,
              "Invalid value: "
                  + size
                  + ": "
                  + path
                  + " in body should have at least "
                  + node.get("minItems").asInt()
                  + " items",
              false));
    }
    if (node.has("maxItems") && size > node.get("maxItems").asInt()) {
      out.add(
          Violation.of(
              path,
              "Too many: "
                  + size
                  + ": must have at most "
                  + node.get("maxItems").asInt()
                  + " items",
              true));
    }
    JsonNode items = node.path("items");
    for (int i = 0; i < size; i++) {
      if (!value.get(i).isNull() && items.isObject()) {
        walk(value.get(i), items, path + "[" + i + "]", out);
      }
    }
  }

  /** Evaluates the CEL rules of every node that has a value, bottom-up as the API server does. */
  private void celPass(JsonNode value, JsonNode node, String path, List<Violation> out) {
    if (value.isObject()) {
      JsonNode properties = node.path("properties");
      JsonNode additional = node.get("additionalProperties");
      value
          .fields()
          .forEachRemaining(
              f -> {
                if (f.getValue().isNull()) {
                  return;
                }
                JsonNode child =
                    properties.has(f.getKey())
                        ? properties.get(f.getKey())
                        : additional != null && additional.isObject() ? additional : null;
                if (child != null) {
                  celPass(f.getValue(), child, join(path, f.getKey()), out);
                }
              });
    } else if (value.isArray() && node.path("items").isObject()) {
      for (int i = 0; i < value.size(); i++) {
        celPass(value.get(i), node.get("items"), path + "[" + i + "]", out);
      }
    }
    for (JsonNode rule : node.path("x-kubernetes-validations")) {
      celRules
          .check(rule, node, value)
          .ifPresent(
              message -> {
                String at = path + rule.path("fieldPath").asText("");
                out.add(Violation.of(at.startsWith(".") ? at.substring(1) : at, message, false));
              });
    }
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}

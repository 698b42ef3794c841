package io.tributary.operator.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluates a rendered ValidatingAdmissionPolicy the way the API server does once its constraints
 * matched: matchConditions (all must hold), then variables in order, then each validation, with a
 * failed one's messageExpression as the refusal. Objects are bound untyped, as JSON maps.
 */
final class AdmissionPolicies {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("object", SimpleType.DYN)
          .addVar("oldObject", SimpleType.DYN)
          .addVar("namespaceObject", SimpleType.DYN)
          .addVar("request", SimpleType.DYN)
          .addVar("variables", SimpleType.DYN)
          .addCompilerLibraries(CelExtensions.strings())
          .addRuntimeLibraries(CelExtensions.strings())
          .build();

  private AdmissionPolicies() {}

  /** Every document of a multi-document YAML text. */
  static List<JsonNode> documents(String yaml) {
    try {
      List<JsonNode> out = new ArrayList<>();
      YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).forEachRemaining(out::add);
      out.removeIf(n -> n == null || n.isNull() || n.isMissingNode());
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Optional<JsonNode> byKindAndName(List<JsonNode> docs, String kind, String name) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals(kind))
        .filter(d -> d.path("metadata").path("name").asText().equals(name))
        .findFirst();
  }

  /**
   * The policy's refusals of a request, empty when admitted; null object fields mean absent.
   *
   * @param operation CREATE or UPDATE
   * @param oldObject the stored object on UPDATE, else null
   */
  static List<String> refusals(
      JsonNode policy, String operation, JsonNode object, JsonNode oldObject, JsonNode namespace) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("object", cel(object));
    vars.put("oldObject", oldObject == null ? NullValue.NULL_VALUE : cel(oldObject));
    vars.put("namespaceObject", cel(namespace));
    vars.put("request", Map.of("operation", operation));
    Map<String, Object> variables = new LinkedHashMap<>();
    vars.put("variables", variables);
    JsonNode spec = policy.path("spec");
    for (JsonNode condition : spec.path("matchConditions")) {
      if (!Boolean.TRUE.equals(eval(condition.path("expression").asText(), vars))) {
        return List.of();
      }
    }
    for (JsonNode variable : spec.path("variables")) {
      variables.put(
          variable.path("name").asText(), eval(variable.path("expression").asText(), vars));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode validation : spec.path("validations")) {
      if (!Boolean.TRUE.equals(eval(validation.path("expression").asText(), vars))) {
        out.add(String.valueOf(eval(validation.path("messageExpression").asText(), vars)));
      }
    }
    return out;
  }

  private static Object eval(String expression, Map<String, Object> vars) {
    try {
      CelRuntime.Program program = CEL.createProgram(CEL.compile(expression).getAst());
      return program.eval(vars);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException(expression + ": " + e.getMessage(), e);
    }
  }

  /** JSON as Kubernetes binds it to CEL: maps, lists, strings, int64, double, bool. */
  private static Object cel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields()
          .forEachRemaining(
              f -> {
                if (!f.getValue().isNull()) map.put(f.getKey(), cel(f.getValue()));
              });
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(cel(n)));
      return list;
    }
    if (node.isBoolean()) return node.booleanValue();
    if (node.isIntegralNumber()) return node.longValue();
    if (node.isNumber()) return node.doubleValue();
    return node.asText();
  }
}

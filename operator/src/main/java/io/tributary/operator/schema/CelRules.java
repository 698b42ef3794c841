package io.tributary.operator.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles and evaluates {@code x-kubernetes-validations} rules like the API server: each rule is
 * type-checked against the schema of its node (so a rule that names an undeclared field fails to
 * compile here as it would when the CRD is applied) and evaluated with {@code self} bound to the
 * node's value, integers as int, numbers as double.
 */
final class CelRules {
  private static final CelOptions OPTIONS =
      CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

  private final Map<JsonNode, Map<String, Compiled>> cache = new IdentityHashMap<>();

  private record Compiled(CelRuntime.Program rule, CelRuntime.Program messageExpression) {}

  /**
   * Evaluates one rule; returns the message to report when the rule is false or fails.
   *
   * @throws IllegalStateException when the rule does not compile against the schema (the API server
   *     would refuse the CRD)
   */
  Optional<String> check(JsonNode rule, JsonNode schemaNode, JsonNode value) {
    String expression = rule.path("rule").asText();
    Compiled compiled =
        cache
            .computeIfAbsent(schemaNode, n -> new LinkedHashMap<>())
            .computeIfAbsent(expression, e -> compile(rule, schemaNode));
    Object self = toCel(value, schemaNode);
    try {
      Object result = compiled.rule().eval(Map.of("self", self));
      if (!(result instanceof Boolean)) {
        return Optional.of("rule did not evaluate to a bool: " + expression);
      }
      if ((Boolean) result) {
        return Optional.empty();
      }
      if (compiled.messageExpression() != null) {
        return Optional.of(String.valueOf(compiled.messageExpression().eval(Map.of("self", self))));
      }
      return Optional.of(
          rule.hasNonNull("message") ? rule.get("message").asText() : "failed rule: " + expression);
    } catch (CelEvaluationException e) {
      return Optional.of("rule evaluation error: " + expression + ": " + e.getMessage());
    }
  }

  private static Compiled compile(JsonNode rule, JsonNode schemaNode) {
    Map<String, CelType> structs = new LinkedHashMap<>();
    CelType selfType = typeOf(schemaNode, "tributary.self", structs);
    Cel cel =
        CelFactory.standardCelBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setTypeProvider(provider(structs))
            .addVar("self", selfType)
            .addCompilerLibraries(CelExtensions.strings(), CelExtensions.sets(OPTIONS))
            .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.sets(OPTIONS))
            .build();
    return new Compiled(
        program(cel, rule.path("rule").asText()),
        rule.hasNonNull("messageExpression")
            ? program(cel, rule.get("messageExpression").asText())
            : null);
  }

  private static CelRuntime.Program program(Cel cel, String expression) {
    try {
      CelAbstractSyntaxTree ast = cel.compile(expression).getAst();
      return cel.createProgram(ast);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException(
          "x-kubernetes-validations rule does not compile against its schema: "
              + expression
              + "\n"
              + e.getMessage(),
          e);
    }
  }

  /** The CEL type of a schema node: objects with properties become structs, as in Kubernetes. */
  private static CelType typeOf(JsonNode node, String name, Map<String, CelType> structs) {
    switch (node.path("type").asText("")) {
      case "string":
        return SimpleType.STRING;
      case "integer":
        return SimpleType.INT;
      case "number":
        return SimpleType.DOUBLE;
      case "boolean":
        return SimpleType.BOOL;
      case "array":
        return ListType.create(typeOf(node.path("items"), name + "_item", structs));
      case "object":
        break;
      default:
        return SimpleType.DYN;
    }
    JsonNode additional = node.get("additionalProperties");
    if (additional != null && additional.isObject()) {
      return MapType.create(SimpleType.STRING, typeOf(additional, name + "_value", structs));
    }
    JsonNode properties = node.path("properties");
    if (!properties.isObject()) {
      return MapType.create(SimpleType.STRING, SimpleType.DYN);
    }
    Map<String, CelType> fields = new LinkedHashMap<>();
    properties
        .fields()
        .forEachRemaining(
            f -> fields.put(f.getKey(), typeOf(f.getValue(), name + "_" + f.getKey(), structs)));
    StructType struct =
        StructType.create(
            name, ImmutableSet.copyOf(fields.keySet()), f -> Optional.ofNullable(fields.get(f)));
    structs.put(name, struct);
    return struct;
  }

  private static CelTypeProvider provider(Map<String, CelType> structs) {
    return new CelTypeProvider() {
      @Override
      public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(structs.values());
      }

      @Override
      public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(structs.get(typeName));
      }
    };
  }

  /** JSON to CEL values as Kubernetes binds them: int64 for integer, double for number. */
  static Object toCel(JsonNode value, JsonNode schemaNode) {
    String type = schemaNode.path("type").asText("");
    if (value.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      JsonNode properties = schemaNode.path("properties");
      JsonNode additional = schemaNode.path("additionalProperties");
      value
          .fields()
          .forEachRemaining(
              f -> {
                if (!f.getValue().isNull()) {
                  JsonNode child =
                      properties.has(f.getKey()) ? properties.get(f.getKey()) : additional;
                  map.put(f.getKey(), toCel(f.getValue(), child));
                }
              });
      return map;
    }
    if (value.isArray()) {
      List<Object> list = new ArrayList<>();
      value.forEach(v -> list.add(toCel(v, schemaNode.path("items"))));
      return list;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isNumber()) {
      return "number".equals(type) || !value.isIntegralNumber()
          ? (Object) value.doubleValue()
          : (Object) value.longValue();
    }
    return value.asText();
  }
}

package io.tributary.operator.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.parser.CelStandardMacro;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds x-kubernetes-validations rules the API server would price as unbounded. Kubernetes
 * estimates a rule's worst-case cost from the schema and refuses a CRD whose rules may cost too
 * much; the usual causes are a rule that iterates a list (or map) without maxItems (maxProperties),
 * regex-matches a string without maxLength, or compares strings without maxLength inside such a
 * loop. This checks exactly those things, statically, so a rule added without its bound fails a
 * unit test rather than {@code kubectl apply} of the CRD on a real cluster.
 */
public final class CelCostBounds {
  private static final Set<String> REGEX_FUNCTIONS = Set.of("matches", "find", "findAll");
  private static final Set<String> COMPARISONS =
      Set.of("_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_", "startsWith", "endsWith", "contains");
  private static final Cel PARSER =
      CelFactory.standardCelBuilder().setStandardMacros(CelStandardMacro.STANDARD_MACROS).build();

  private CelCostBounds() {}

  /** Violations as {@code <schema path>: <rule>: <what bound is missing>}. */
  public static List<String> check(JsonNode openApiV3Schema) {
    List<String> out = new ArrayList<>();
    walk(openApiV3Schema, "", out);
    return out;
  }

  private static void walk(JsonNode node, String path, List<String> out) {
    for (JsonNode rule : node.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText();
      try {
        CelExpr ast = PARSER.parse(expression).getAst().getExpr();
        inspect(
            ast, Map.of("self", node), false, path.isEmpty() ? "<root>" : path, expression, out);
      } catch (CelValidationException e) {
        out.add(path + ": " + expression + ": does not parse: " + e.getMessage());
      }
    }
    node.path("properties")
        .fields()
        .forEachRemaining(
            f -> walk(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), out));
    if (node.path("items").isObject()) {
      walk(node.get("items"), path + "[]", out);
    }
    if (node.path("additionalProperties").isObject()) {
      walk(node.get("additionalProperties"), path + "{}", out);
    }
  }

  private static void inspect(
      CelExpr expr,
      Map<String, JsonNode> vars,
      boolean inLoop,
      String path,
      String rule,
      List<String> out) {
    switch (expr.getKind()) {
      case COMPREHENSION -> {
        CelExpr.CelComprehension loop = expr.comprehension();
        JsonNode range = resolve(loop.iterRange(), vars);
        Map<String, JsonNode> inner = new HashMap<>(vars);
        inner.remove(loop.iterVar());
        if (range != null) {
          if ("array".equals(range.path("type").asText()) && !range.has("maxItems")) {
            out.add(path + ": " + rule + ": iterates a list without maxItems");
          }
          if (range.path("additionalProperties").isObject() && !range.has("maxProperties")) {
            out.add(path + ": " + rule + ": iterates a map without maxProperties");
          }
          if (range.path("items").isObject()) {
            inner.put(loop.iterVar(), range.get("items"));
          }
        }
        inspect(loop.iterRange(), vars, inLoop, path, rule, out);
        inspect(loop.accuInit(), vars, inLoop, path, rule, out);
        inspect(loop.loopCondition(), inner, true, path, rule, out);
        inspect(loop.loopStep(), inner, true, path, rule, out);
        inspect(loop.result(), vars, inLoop, path, rule, out);
      }
      case CALL -> {
        CelExpr.CelCall call = expr.call();
        List<CelExpr> operands = new ArrayList<>(call.args());
        call.target().ifPresent(t -> operands.add(0, t));
        if (REGEX_FUNCTIONS.contains(call.function()) && !operands.isEmpty()) {
          if (unboundedString(resolve(operands.get(0), vars))) {
            out.add(path + ": " + rule + ": matches a regex on a string without maxLength");
          }
        }
        // Comparing strings costs their length; in a loop that is multiplied by the list size.
        if (inLoop && COMPARISONS.contains(call.function())) {
          for (CelExpr operand : operands) {
            if (unboundedString(resolve(operand, vars))) {
              out.add(path + ": " + rule + ": compares a string without maxLength in a loop");
            }
          }
        }
        operands.forEach(o -> inspect(o, vars, inLoop, path, rule, out));
      }
      case SELECT -> inspect(expr.select().operand(), vars, inLoop, path, rule, out);
      case LIST -> expr.list().elements().forEach(e -> inspect(e, vars, inLoop, path, rule, out));
      default -> {}
    }
  }

  private static boolean unboundedString(JsonNode node) {
    return node != null
        && "string".equals(node.path("type").asText())
        && !node.has("maxLength")
        && !node.has("enum");
  }

  /** The schema node of {@code self}, a loop variable, or a field path below one; else null. */
  private static JsonNode resolve(CelExpr expr, Map<String, JsonNode> vars) {
    return switch (expr.getKind()) {
      case IDENT -> vars.get(expr.ident().name());
      case SELECT -> {
        JsonNode operand = resolve(expr.select().operand(), vars);
        yield operand == null ? null : operand.path("properties").get(expr.select().field());
      }
      default -> null;
    };
  }
}

package io.tributary.operator.policy;

import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.transform.DeriveTransform;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the CEL expressions of a pipeline before any worker starts, so a typo becomes a status
 * message instead of a crash-looping pod. With spec.schema fields the expressions are type-checked
 * against them (as dynamic values); without a schema only the syntax can be checked.
 */
public final class ExpressionPolicy {
  private ExpressionPolicy() {}

  /** Problems as {@code spec.transforms[i].<kind>...: message}; empty when all compile. */
  public static List<String> violations(List<TransformSpec> transforms, SchemaSpec schema) {
    List<String> out = new ArrayList<>();
    if (transforms == null) return out;
    Set<String> fields = new LinkedHashSet<>();
    boolean typed = schema != null && schema.fields() != null && !schema.fields().isEmpty();
    if (typed) schema.fields().forEach(f -> fields.add(f.name()));
    for (int i = 0; i < transforms.size(); i++) {
      TransformSpec t = transforms.get(i);
      String at = "spec.transforms[" + i + "]";
      if (t.filter() != null) {
        check(at + ".filter.expression", t.filter().expression(), fields, typed, true, out);
      }
      DeriveTransform derive = t.derive() != null ? t.derive() : t.map();
      if (derive != null) {
        String kind = t.derive() != null ? "derive" : "map";
        for (int j = 0; j < derive.fields().size(); j++) {
          DeriveTransform.Field f = derive.fields().get(j);
          check(
              at + "." + kind + ".fields[" + j + "].expression",
              f.expression(),
              fields,
              typed,
              false,
              out);
          // Later expressions may use fields computed by earlier ones.
          if (typed) fields.add(f.name());
        }
      }
    }
    return out;
  }

  private static void check(
      String path, String expr, Set<String> fields, boolean typed, boolean bool, List<String> out) {
    CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder();
    fields.forEach(f -> builder.addVar(f, SimpleType.DYN));
    if (bool) builder.setResultType(SimpleType.BOOL);
    CelCompiler compiler = builder.build();
    CelValidationResult result = typed ? compiler.compile(expr) : compiler.parse(expr);
    if (result.hasError()) {
      out.add(
          path
              + ": CEL expression does not compile: "
              + result.getErrorString().replace('\n', ' ')
              + (typed ? " (fields come from spec.schema.fields)" : ""));
    }
  }
}

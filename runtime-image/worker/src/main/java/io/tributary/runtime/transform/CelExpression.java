package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelVariableResolver;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A compiled CEL expression over a record's top-level fields.
 *
 * <p>Every free identifier of the expression is a record field, declared as {@code dyn}. When the
 * fields a step can see are known (from the schema and the steps before it), an identifier that is
 * not one of them fails compilation, so a typo is caught at start-up instead of silently dropping
 * every record.
 *
 * <p>The missing-field rule: if a record lacks a field the expression references, the expression is
 * not evaluated and {@link #eval} returns {@link #MISSING}; a filter then drops the record and a
 * derive leaves its field unset. A field that is present with JSON null is passed as CEL null.
 */
final class CelExpression {
  /** Result of an expression that references a field the record does not have. */
  static final Object MISSING = new Object();

  static final CelOptions OPTIONS =
      CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

  // Type names and constants the parser sees as identifiers; they are not record fields.
  private static final Set<String> BUILTIN_IDENTS =
      Set.of(
          "int",
          "uint",
          "double",
          "bool",
          "string",
          "bytes",
          "list",
          "map",
          "null_type",
          "type",
          "dyn");

  private static final CelCompiler PARSER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setOptions(OPTIONS)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addLibraries(CelExtensions.strings(), CelExtensions.math(OPTIONS))
          .build();

  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.plannerRuntimeBuilder()
          .setOptions(OPTIONS)
          .addLibraries(CelExtensions.strings(), CelExtensions.math(OPTIONS))
          .build();

  private final String text;
  private final String[] fields;
  private final boolean[] asDouble;
  private final CelRuntime.Program program;
  private final CelAbstractSyntaxTree ast;

  private CelExpression(
      String text,
      String[] fields,
      boolean[] asDouble,
      CelAbstractSyntaxTree ast,
      CelRuntime.Program program) {
    this.text = text;
    this.fields = fields;
    this.asDouble = asDouble;
    this.ast = ast;
    this.program = program;
  }

  /**
   * Compiles {@code text}.
   *
   * @param knownFields the fields a record can have at this step, or null when unknown
   * @param numberFields fields the schema types as number: their integral JSON values are passed as
   *     CEL doubles, so {@code amount * 3.67} works for {@code "amount": 100}. Other integral
   *     values are CEL ints (CEL has no int * double).
   * @throws IllegalArgumentException with CEL's message when it does not compile
   */
  static CelExpression compile(String text, Set<String> knownFields, Set<String> numberFields) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("the CEL expression is empty");
    }
    CelValidationResult parsed = PARSER.parse(text);
    if (parsed.hasError()) {
      throw new IllegalArgumentException("CEL does not parse: " + errors(parsed));
    }
    Set<String> idents = new LinkedHashSet<>();
    try {
      freeIdents(parsed.getAst().getExpr(), new HashSet<>(), idents);
    } catch (CelValidationException e) {
      throw new IllegalArgumentException("CEL does not parse: " + e.getMessage(), e);
    }
    if (knownFields != null) {
      for (String id : idents) {
        if (!knownFields.contains(id)) {
          throw new IllegalArgumentException(
              "CEL refers to '"
                  + id
                  + "', which is not a field here (known fields: "
                  + new TreeSet<>(knownFields)
                  + "); fix the name or add the field to spec.schema");
        }
      }
    }
    var builder = PARSER.toCompilerBuilder();
    for (String id : idents) {
      builder.addVar(id, SimpleType.DYN);
    }
    CelValidationResult checked = builder.build().compile(text);
    if (checked.hasError()) {
      throw new IllegalArgumentException("CEL does not compile: " + errors(checked));
    }
    try {
      CelAbstractSyntaxTree ast = checked.getAst();
      String[] fields = idents.toArray(new String[0]);
      boolean[] asDouble = new boolean[fields.length];
      for (int i = 0; i < fields.length; i++) {
        asDouble[i] = numberFields.contains(fields[i]);
      }
      return new CelExpression(text, fields, asDouble, ast, RUNTIME.createProgram(ast));
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalArgumentException("CEL does not compile: " + e.getMessage(), e);
    }
  }

  /**
   * CEL's error lines without the source excerpt and caret lines under them, so a plan error stays
   * one line; the position ({@code <input>:1:9}) still says where.
   */
  private static String errors(CelValidationResult result) {
    return result
        .getErrorString()
        .lines()
        .filter(l -> l.startsWith("ERROR"))
        .map(l -> l.replaceFirst("^ERROR: ", ""))
        .collect(java.util.stream.Collectors.joining("; "));
  }

  /** Collects identifiers not bound by a comprehension (exists, all, map, filter ...). */
  private static void freeIdents(CelExpr e, Set<String> bound, Set<String> out) {
    switch (e.getKind()) {
      case IDENT -> {
        String name = e.ident().name();
        if (!bound.contains(name) && !BUILTIN_IDENTS.contains(name)) {
          out.add(name);
        }
      }
      case SELECT -> freeIdents(e.select().operand(), bound, out);
      case CALL -> {
        e.call().target().ifPresent(t -> freeIdents(t, bound, out));
        e.call().args().forEach(a -> freeIdents(a, bound, out));
      }
      case LIST -> e.list().elements().forEach(x -> freeIdents(x, bound, out));
      case MAP ->
          e.map()
              .entries()
              .forEach(
                  en -> {
                    freeIdents(en.key(), bound, out);
                    freeIdents(en.value(), bound, out);
                  });
      case STRUCT -> e.struct().entries().forEach(en -> freeIdents(en.value(), bound, out));
      case COMPREHENSION -> {
        var c = e.comprehension();
        freeIdents(c.iterRange(), bound, out);
        freeIdents(c.accuInit(), bound, out);
        Set<String> inner = new HashSet<>(bound);
        inner.add(c.iterVar());
        if (!c.iterVar2().isEmpty()) {
          inner.add(c.iterVar2());
        }
        inner.add(c.accuVar());
        freeIdents(c.loopCondition(), inner, out);
        freeIdents(c.loopStep(), inner, out);
        freeIdents(c.result(), inner, out);
      }
      default -> {}
    }
  }

  /** The expression's result type is known not to be a bool (e.g. {@code amount + 1}). */
  boolean surelyNotBool() {
    CelKind kind = ast.getResultType().kind();
    return kind != CelKind.BOOL && kind != CelKind.DYN && kind != CelKind.ANY;
  }

  /** The record fields the expression reads. */
  String[] fields() {
    return fields.clone();
  }

  /**
   * Evaluates against the record.
   *
   * @return the CEL value, or {@link #MISSING} when a referenced field is absent
   * @throws CelEvaluationException on a runtime error (no such overload, division by zero ...)
   */
  Object eval(ObjectNode record) throws CelEvaluationException {
    // A resolver over converted values, not a Map: eval(Map) copies the map per call.
    Object[] values = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      JsonNode v = record.get(fields[i]);
      if (v == null) {
        return MISSING;
      }
      values[i] = asDouble[i] && v.isNumber() ? v.doubleValue() : CelValues.toCel(v);
    }
    return program.eval(
        (CelVariableResolver)
            name -> {
              for (int i = 0; i < fields.length; i++) {
                if (fields[i].equals(name)) {
                  return Optional.of(values[i]);
                }
              }
              return Optional.empty();
            });
  }

  @Override
  public String toString() {
    return text;
  }
}

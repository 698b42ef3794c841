package io.tributary.plan;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.tributary.pipeline.SchemaSpec;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one CEL environment of filter, map and derive expressions: options, extension libraries,
 * macros, compiler and runtime. The operator checks expressions with it and the worker evaluates
 * them with it, so an expression one side accepts the other accepts too.
 *
 * <p>Every free identifier of an expression is a top-level record field, declared {@code dyn}. When
 * the fields a step can see are known (from {@code schema.fields} and the steps before it, see
 * {@link FieldFlow}), an identifier that is not one of them is refused, so a typo is caught before
 * any record is read instead of silently dropping every record. When they are unknown (no field
 * list), any identifier is accepted and only the expression itself is checked.
 *
 * <p>Int and double compare with each other ({@code amount > 100} on a double), and the strings
 * ({@code lowerAscii}, {@code split} ...) and math ({@code math.greatest} ...) extensions are on.
 */
public final class CelEnvironment {
  /** Options shared by compiler and runtime. */
  public static final CelOptions OPTIONS =
      CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

  // Type names and constants the parser sees as identifiers; they are not record fields.
  private static final Set<String> BUILTIN_IDENTIFIERS =
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

  /** What the expression must yield. */
  public enum Result {
    /** A filter: a bool (or {@code dyn}, decided per record). */
    BOOL,
    /** A computed field: any value. */
    ANY
  }

  /**
   * A checked expression.
   *
   * @param text the expression as written
   * @param fields the record fields it reads (its free identifiers), in order of appearance
   * @param ast the type-checked syntax tree
   */
  public record Compiled(String text, List<String> fields, CelAbstractSyntaxTree ast) {
    /** A program of the shared runtime, thread-safe. */
    public CelRuntime.Program program() {
      try {
        return RUNTIME.createProgram(ast);
      } catch (CelEvaluationException e) {
        // The AST passed the checker of this environment; the runtime cannot refuse it.
        throw new IllegalStateException("CEL runtime refused a checked expression: " + text, e);
      }
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** An expression this environment refuses; the message says what to fix. */
  public static final class InvalidExpression extends IllegalArgumentException {
    InvalidExpression(String message) {
      super(message);
    }
  }

  private CelEnvironment() {}

  /**
   * Checks {@code text}.
   *
   * @param knownFields the fields a record can have at this step, or null when unknown
   * @param result what the expression must yield
   * @throws InvalidExpression with a one-line message naming the problem and the fix
   */
  public static Compiled compile(String text, Set<String> knownFields, Result result) {
    if (text == null || text.isBlank()) {
      throw new InvalidExpression("the CEL expression is empty");
    }
    CelValidationResult parsed = PARSER.parse(text);
    if (parsed.hasError()) {
      throw new InvalidExpression("CEL does not parse: " + errors(parsed));
    }
    Set<String> idents;
    try {
      idents = freeIdentifiers(parsed.getAst().getExpr());
    } catch (CelValidationException e) {
      throw new InvalidExpression("CEL does not parse: " + e.getMessage());
    }
    if (knownFields != null) {
      for (String id : idents) {
        if (!knownFields.contains(id)) {
          throw new InvalidExpression(
              "CEL refers to '"
                  + id
                  + "', which is not a field here (known fields: "
                  + new TreeSet<>(knownFields)
                  + "); fix the name or add the field to spec.schema");
        }
      }
    }
    CelCompilerBuilder builder = PARSER.toCompilerBuilder();
    for (String id : idents) {
      builder.addVar(id, SimpleType.DYN);
    }
    CelValidationResult checked = builder.build().compile(text);
    if (checked.hasError()) {
      throw new InvalidExpression("CEL does not compile: " + errors(checked));
    }
    CelAbstractSyntaxTree ast;
    try {
      ast = checked.getAst();
    } catch (CelValidationException e) {
      throw new InvalidExpression("CEL does not compile: " + e.getMessage());
    }
    if (result == Result.BOOL) {
      CelKind kind = ast.getResultType().kind();
      if (kind != CelKind.BOOL && kind != CelKind.DYN && kind != CelKind.ANY) {
        throw new InvalidExpression(
            "the filter expression does not yield a bool (it yields "
                + ast.getResultType().name()
                + "); compare, e.g. x > 0");
      }
    }
    return new Compiled(text, List.copyOf(idents), ast);
  }

  /**
   * The type of the value {@code text} computes, as a schema type; null when it cannot be told (the
   * expression reads fields of unknown type and nothing fixes the result, or it does not compile).
   * The fields it reads are declared with their types in {@code fields} ({@code number} as double,
   * {@code integer} as int, {@code string}, {@code boolean}, {@code object} as a map, {@code array}
   * as a list; {@code timestamp} and untyped fields as dyn, as their JSON values vary); when the
   * expression does not check with those types (e.g. {@code amount + 1} on a double), it is checked
   * with every field dyn, as the worker runs it. A CEL timestamp becomes a timestamp (the worker
   * writes it as ISO-8601), a duration a number (seconds), bytes a string (base64).
   */
  public static SchemaSpec.Type resultType(String text, FieldFlow.Fields fields) {
    if (text == null || text.isBlank()) return null;
    CelValidationResult parsed = PARSER.parse(text);
    if (parsed.hasError()) return null;
    Set<String> idents;
    try {
      idents = freeIdentifiers(parsed.getAst().getExpr());
    } catch (CelValidationException e) {
      return null;
    }
    CelCompilerBuilder typed = PARSER.toCompilerBuilder();
    CelCompilerBuilder dyn = PARSER.toCompilerBuilder();
    for (String id : idents) {
      typed.addVar(id, celType(fields.types().get(id)));
      dyn.addVar(id, SimpleType.DYN);
    }
    SchemaSpec.Type t = schemaType(typed.build().compile(text));
    return t != null ? t : schemaType(dyn.build().compile(text));
  }

  private static CelType celType(SchemaSpec.Type t) {
    if (t == null) return SimpleType.DYN;
    return switch (t) {
      case STRING -> SimpleType.STRING;
      case INTEGER -> SimpleType.INT;
      case NUMBER -> SimpleType.DOUBLE;
      case BOOLEAN -> SimpleType.BOOL;
      case OBJECT -> MapType.create(SimpleType.STRING, SimpleType.DYN);
      case ARRAY -> ListType.create(SimpleType.DYN);
      case TIMESTAMP -> SimpleType.DYN;
    };
  }

  private static SchemaSpec.Type schemaType(CelValidationResult checked) {
    if (checked.hasError()) return null;
    CelKind kind;
    try {
      kind = checked.getAst().getResultType().kind();
    } catch (CelValidationException e) {
      return null;
    }
    return switch (kind) {
      case BOOL -> SchemaSpec.Type.BOOLEAN;
      case INT, UINT -> SchemaSpec.Type.INTEGER;
      case DOUBLE, DURATION -> SchemaSpec.Type.NUMBER;
      case STRING, BYTES -> SchemaSpec.Type.STRING;
      case TIMESTAMP -> SchemaSpec.Type.TIMESTAMP;
      case LIST -> SchemaSpec.Type.ARRAY;
      case MAP, STRUCT -> SchemaSpec.Type.OBJECT;
      default -> null;
    };
  }

  /**
   * The record fields an expression reads: its free identifiers, without comprehension variables
   * and type names. Empty when it does not parse (lineage of an invalid plan is not reported).
   */
  public static Set<String> fieldsReadBy(String text) {
    if (text == null || text.isBlank()) {
      return Set.of();
    }
    CelValidationResult parsed = PARSER.parse(text);
    if (parsed.hasError()) {
      return Set.of();
    }
    try {
      return Collections.unmodifiableSet(freeIdentifiers(parsed.getAst().getExpr()));
    } catch (CelValidationException e) {
      return Set.of();
    }
  }

  /**
   * CEL's error lines without the source excerpt and caret lines under them, so a plan error stays
   * one line; the position ({@code <input>:1:9}) still says where. The list of overload candidates
   * after a type error is left out: it names internal types and drowns the point.
   */
  private static String errors(CelValidationResult result) {
    return result
        .getErrorString()
        .lines()
        .filter(l -> l.startsWith("ERROR"))
        .map(l -> l.replaceFirst("^ERROR: ", "").replaceFirst(" \\(candidates: .*\\)$", ""))
        .collect(Collectors.joining("; "));
  }

  private static Set<String> freeIdentifiers(CelExpr root) {
    Set<String> out = new LinkedHashSet<>();
    freeIdentifiers(root, new HashSet<>(), out);
    return out;
  }

  /** Collects identifiers not bound by a comprehension (exists, all, map, filter ...). */
  private static void freeIdentifiers(CelExpr e, Set<String> bound, Set<String> out) {
    switch (e.getKind()) {
      case IDENT -> {
        String name = e.ident().name();
        if (!bound.contains(name) && !BUILTIN_IDENTIFIERS.contains(name)) {
          out.add(name);
        }
      }
      case SELECT -> freeIdentifiers(e.select().operand(), bound, out);
      case CALL -> {
        e.call().target().ifPresent(t -> freeIdentifiers(t, bound, out));
        e.call().args().forEach(a -> freeIdentifiers(a, bound, out));
      }
      case LIST -> e.list().elements().forEach(x -> freeIdentifiers(x, bound, out));
      case MAP ->
          e.map()
              .entries()
              .forEach(
                  en -> {
                    freeIdentifiers(en.key(), bound, out);
                    freeIdentifiers(en.value(), bound, out);
                  });
      case STRUCT -> e.struct().entries().forEach(en -> freeIdentifiers(en.value(), bound, out));
      case COMPREHENSION -> {
        var c = e.comprehension();
        freeIdentifiers(c.iterRange(), bound, out);
        freeIdentifiers(c.accuInit(), bound, out);
        Set<String> inner = new HashSet<>(bound);
        inner.add(c.iterVar());
        if (!c.iterVar2().isEmpty()) {
          inner.add(c.iterVar2());
        }
        inner.add(c.accuVar());
        freeIdentifiers(c.loopCondition(), inner, out);
        freeIdentifiers(c.loopStep(), inner, out);
        freeIdentifiers(c.result(), inner, out);
      }
      default -> {}
    }
  }
}

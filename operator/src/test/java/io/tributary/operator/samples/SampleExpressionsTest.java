package io.tributary.operator.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.StreamJob;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.transform.DeriveTransform;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CEL in the samples' filter, map and derive steps compiles, reads only fields the record has
 * at that step (the schema's fields plus those derived before it), and a filter yields a bool — the
 * same checks the worker makes at start-up, so a sample never teaches an expression that the
 * operator would report as InvalidExpression.
 */
class SampleExpressionsTest {
  private static final CelOptions OPTIONS =
      CelOptions.current().enableHeterogeneousNumericComparisons(true).build();
  private static final Set<String> TYPE_NAMES =
      Set.of("int", "uint", "double", "bool", "string", "bytes", "list", "map", "type", "dyn");

  @Test
  void everySampleExpressionCompilesAgainstTheFieldsItSees() throws Exception {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (DataPipeline p : SamplesTest.all(DataPipeline.class)) {
      checked += check(name(p), p.getSpec().schema(), p.getSpec().transforms(), problems);
    }
    for (StreamJob s : SamplesTest.all(StreamJob.class)) {
      checked += check(name(s), s.getSpec().schema(), s.getSpec().transforms(), problems);
    }
    assertThat(checked).as("the samples show CEL expressions").isGreaterThan(5);
    assertThat(problems).isEmpty();
  }

  private static String name(io.fabric8.kubernetes.api.model.HasMetadata o) {
    return o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private static int check(
      String owner, SchemaSpec schema, List<TransformSpec> transforms, List<String> problems) {
    if (transforms == null) {
      return 0;
    }
    Set<String> known = new HashSet<>();
    boolean fieldsKnown = schema != null && schema.fields() != null;
    if (fieldsKnown) {
      schema.fields().forEach(f -> known.add(f.name()));
    }
    int checked = 0;
    for (int i = 0; i < transforms.size(); i++) {
      TransformSpec step = transforms.get(i);
      String where = owner + " " + step.stepName(i);
      if (step.filter() != null) {
        checked++;
        compile(where, step.filter().expression(), fieldsKnown ? known : null, true, problems);
      }
      DeriveTransform derive = step.derive() != null ? step.derive() : step.map();
      if (derive != null) {
        Set<String> visible = new HashSet<>(known);
        for (DeriveTransform.Field f : derive.fields()) {
          checked++;
          compile(
              where + " " + f.name(),
              f.expression(),
              fieldsKnown ? visible : null,
              false,
              problems);
          visible.add(f.name()); // later fields see earlier results
        }
        if (step.map() != null) {
          known.clear();
        }
        derive.fields().forEach(f -> known.add(f.name()));
      }
    }
    return checked;
  }

  private static void compile(
      String where, String text, Set<String> known, boolean mustBeBool, List<String> problems) {
    Cel parser =
        CelFactory.standardCelBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addCompilerLibraries(CelExtensions.strings(), CelExtensions.math(OPTIONS))
            .build();
    CelValidationResult parsed = parser.parse(text);
    if (parsed.hasError()) {
      problems.add(where + ": does not parse: " + parsed.getErrorString());
      return;
    }
    Set<String> idents = new LinkedHashSet<>();
    try {
      freeIdents(parsed.getAst().getExpr(), new HashSet<>(), idents);
    } catch (Exception e) {
      problems.add(where + ": " + e.getMessage());
      return;
    }
    if (known != null && !known.containsAll(idents)) {
      Set<String> unknown = new LinkedHashSet<>(idents);
      unknown.removeAll(known);
      problems.add(where + ": reads fields the record does not have here: " + unknown);
    }
    var builder = parser.toCelBuilder();
    idents.forEach(id -> builder.addVar(id, SimpleType.DYN));
    CelValidationResult compiled = builder.build().compile(text);
    if (compiled.hasError()) {
      problems.add(where + ": does not compile: " + compiled.getErrorString());
      return;
    }
    try {
      CelKind kind = compiled.getAst().getResultType().kind();
      if (mustBeBool && kind != CelKind.BOOL && kind != CelKind.DYN) {
        problems.add(where + ": a filter must yield a bool, this yields " + kind);
      }
    } catch (Exception e) {
      problems.add(where + ": " + e.getMessage());
    }
  }

  private static void freeIdents(CelExpr e, Set<String> bound, Set<String> out) {
    switch (e.getKind()) {
      case IDENT -> {
        if (!bound.contains(e.ident().name()) && !TYPE_NAMES.contains(e.ident().name())) {
          out.add(e.ident().name());
        }
      }
      case SELECT -> freeIdents(e.select().operand(), bound, out);
      case CALL -> {
        e.call().target().ifPresent(t -> freeIdents(t, bound, out));
        e.call().args().forEach(a -> freeIdents(a, bound, out));
      }
      case LIST -> e.list().elements().forEach(x -> freeIdents(x, bound, out));
      case COMPREHENSION -> {
        var c = e.comprehension();
        freeIdents(c.iterRange(), bound, out);
        Set<String> inner = new HashSet<>(bound);
        inner.add(c.iterVar());
        inner.add(c.accuVar());
        freeIdents(c.loopStep(), inner, out);
        freeIdents(c.result(), inner, out);
      }
      default -> {}
    }
  }
}

package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import io.tributary.plan.CelEnvironment;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluation of a CEL expression of the shared {@link CelEnvironment} against a JSON record: what
 * the environment checked, turned into values and back.
 *
 * <p>The missing-field rule: if a record lacks a field the expression references, the expression is
 * not evaluated and {@link #eval} returns {@link #MISSING}; a filter then drops the record and a
 * derive leaves its field unset. A field that is present with JSON null is passed as CEL null.
 */
final class CelExpression {
  /** Result of an expression that references a field the record does not have. */
  static final Object MISSING = new Object();

  private final String text;
  private final String[] fields;
  private final boolean[] asDouble;
  private final CelRuntime.Program program;

  private CelExpression(String text, String[] fields, boolean[] asDouble, CelRuntime.Program p) {
    this.text = text;
    this.fields = fields;
    this.asDouble = asDouble;
    this.program = p;
  }

  /**
   * Evaluates a checked expression.
   *
   * @param numberFields fields typed number at this step: their integral JSON values are passed as
   *     CEL doubles, so {@code amount * 3.67} works for {@code "amount": 100}. Other integral
   *     values are CEL ints (CEL has no int * double).
   */
  static CelExpression of(CelEnvironment.Compiled compiled, Set<String> numberFields) {
    String[] fields = compiled.fields().toArray(new String[0]);
    boolean[] asDouble = new boolean[fields.length];
    for (int i = 0; i < fields.length; i++) {
      asDouble[i] = numberFields.contains(fields[i]);
    }
    return new CelExpression(compiled.text(), fields, asDouble, compiled.program());
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

package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.runtime.CelEvaluationException;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Computes fields with CEL. {@code derive} adds or overwrites them on the record; {@code map}
 * (projection) outputs only the computed fields. Later fields see earlier results in both. A field
 * whose expression references a missing field is left unset.
 */
final class DeriveStep implements Step {
  record Field(String name, CelExpression expression) {}

  private final List<Field> fields;
  private final boolean projection;

  DeriveStep(List<Field> fields, boolean projection) {
    this.fields = List.copyOf(fields);
    this.projection = projection;
  }

  @Override
  public void process(ObjectNode record, Instant now, Consumer<ObjectNode> out) {
    // A projection evaluates against the input plus what it computed so far, then keeps only
    // the computed fields.
    ObjectNode result = projection ? JsonNodeFactory.instance.objectNode() : record;
    ObjectNode scope = projection ? record.deepCopy() : record;
    for (Field f : fields) {
      Object value;
      try {
        value = f.expression().eval(scope);
      } catch (CelEvaluationException e) {
        throw new StepRejection("field '" + f.name() + "': " + e.getMessage());
      }
      if (value == CelExpression.MISSING) {
        continue;
      }
      var json = CelValues.toJson(value);
      result.set(f.name(), json);
      if (projection) {
        scope.set(f.name(), json);
      }
    }
    out.accept(result);
  }
}

package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.transform.ValidateTransform.OnInvalid;
import io.tributary.plan.RecordSchemas;
import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Checks records against the pipeline's JSON Schema ({@link RecordSchemas}: the given document, or
 * one built from the field list).
 */
final class ValidateStep implements Step {
  private final JsonSchema schema;
  private final OnInvalid onInvalid;

  ValidateStep(SchemaSpec spec, OnInvalid onInvalid) {
    // The plan check loaded the same schema, so this does not fail.
    this.schema = RecordSchemas.compile(spec);
    this.onInvalid = onInvalid;
  }

  @Override
  public void process(ObjectNode record, Instant now, Consumer<ObjectNode> out) {
    Set<ValidationMessage> errors = schema.validate((JsonNode) record);
    if (errors.isEmpty()) {
      out.accept(record);
      return;
    }
    if (onInvalid == OnInvalid.DROP) {
      throw StepRejection.DROP; // the chain counts it: a drop is never silent
    }
    String reason =
        "invalid: "
            + errors.stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .limit(5)
                .collect(Collectors.joining("; "));
    throw new StepRejection(reason, onInvalid);
  }
}

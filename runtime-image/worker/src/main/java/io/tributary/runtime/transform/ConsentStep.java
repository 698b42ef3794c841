package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Keeps a record only if its subject consented to the purpose. A record without a subject (missing
 * or null field) has no consent and is dropped, like one whose subject never consented.
 */
final class ConsentStep implements Step {
  private final String purpose;
  private final String subjectField;
  private final ConsentView view;

  ConsentStep(String purpose, String subjectField, ConsentView view) {
    if (purpose == null || purpose.isBlank() || subjectField == null || subjectField.isBlank()) {
      throw new IllegalArgumentException("consent needs purpose and subjectField");
    }
    this.purpose = purpose;
    this.subjectField = subjectField;
    this.view = view;
  }

  @Override
  public void process(ObjectNode record, Instant now, Consumer<ObjectNode> out) {
    JsonNode subject = record.get(subjectField);
    if (subject == null || subject.isNull() || subject.isContainerNode()) {
      return;
    }
    if (view.purposes(subject.asText()).contains(purpose)) {
      out.accept(record);
    }
  }
}

package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * A step that is cheaper on many records at once (a model call). The chain hands it the records of
 * a batch together ({@link TransformChain#processAll}); one record alone is a batch of one.
 */
interface BatchStep extends Step {
  /** What becomes of one record of a batch. */
  interface Results {
    /** Record {@code index} of the batch continues as {@code out}. */
    void emit(int index, ObjectNode out);

    /** Record {@code index} of the batch failed this step. */
    void refuse(int index, StepRejection reason);
  }

  /** Processes {@code records} together, telling {@code results} what became of each, in order. */
  void processBatch(List<ObjectNode> records, Instant now, Results results);

  /** Most records worth gathering before a call. */
  int batchSize();

  /** Longest a stream should hold a record to fill a batch. */
  java.time.Duration maxWait();

  @Override
  default void process(ObjectNode record, Instant now, Consumer<ObjectNode> out) {
    processBatch(
        List.of(record),
        now,
        new Results() {
          @Override
          public void emit(int index, ObjectNode o) {
            out.accept(o);
          }

          @Override
          public void refuse(int index, StepRejection reason) {
            throw reason;
          }
        });
  }
}

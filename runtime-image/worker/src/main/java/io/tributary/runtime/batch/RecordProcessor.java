package io.tributary.runtime.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.RunSummary;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Records in, records out: what the batch engine needs of the transform chain (the shared library
 * in {@code io.tributary.runtime.transform}, adapted in {@link Transforms}).
 */
public interface RecordProcessor extends AutoCloseable {

  /** Emits zero or more records for {@code record}; throws when the record is rejected. */
  void process(ObjectNode record, Consumer<ObjectNode> out) throws BadRecordException;

  /**
   * Emits what stateful steps still hold at the end of input (open aggregation windows); records
   * rejected by a later step go to {@code rejected}.
   */
  void flush(Consumer<ObjectNode> out, BiConsumer<ObjectNode, BadRecordException> rejected);

  /**
   * A processor with the same compiled steps for another thread, whose counts are added to this
   * one's {@link #steps()}; null when the steps keep state across records (dedupe, aggregate) or
   * share a consent view.
   */
  default RecordProcessor fork() {
    return null;
  }

  /** Per-step counts for the run summary. */
  List<RunSummary.StepCount> steps();

  @Override
  default void close() {}
}

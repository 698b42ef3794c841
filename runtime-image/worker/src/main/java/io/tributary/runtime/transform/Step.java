package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** One compiled transform. Not thread-safe: a chain runs on one thread at a time. */
interface Step {
  /**
   * Processes one record, calling {@code out} zero or more times.
   *
   * @throws StepRejection when the record fails this step
   */
  void process(ObjectNode record, Instant now, Consumer<ObjectNode> out);

  /** Emits what is due at {@code now} (closed windows) and expires old state. */
  default void flush(Instant now, Consumer<ObjectNode> out) {}

  /**
   * {@link #flush(Instant, Consumer)}, with a way to refuse a record this step made but must not
   * emit (an aggregate that overflowed to Infinity): it goes to {@code refused} with the reason.
   */
  default void flush(
      Instant now, Consumer<ObjectNode> out, BiConsumer<ObjectNode, StepRejection> refused) {
    flush(now, out);
  }

  /** A step with the same compiled configuration and empty state; stateless steps share. */
  default Step fresh() {
    return this;
  }
}

package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.BiConsumer;

/** A step whose state must survive restarts: it tracks changed keys for the changelog. */
interface StatefulStep extends Step {
  /** Hands every entry changed since the last call (value null: removed) and forgets them. */
  void drainChanges(BiConsumer<String, JsonNode> changes);

  /** Every live entry. */
  void snapshot(BiConsumer<String, JsonNode> entries);

  /** Puts back one entry from a changelog; null removes it. Not reported as a change. */
  void restore(String key, JsonNode value);

  int size();

  /** Entries dropped to stay within the step's bound since the last call. */
  default long drainEvictions() {
    return 0;
  }
}

package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of a stateful step's state, as written to a changelog: the step's name, the entry key
 * within the step, and the value — null when the entry was removed (a tombstone).
 */
public record StateEntry(String step, String key, JsonNode value) {
  public boolean isTombstone() {
    return value == null;
  }
}

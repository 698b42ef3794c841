package io.tributary.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Delivery guarantee of a stream. */
public enum Guarantee {
  @JsonProperty("exactly-once")
  EXACTLY_ONCE,
  @JsonProperty("at-least-once")
  AT_LEAST_ONCE;

  /** The spelling used in the spec and the printer column. */
  public String wireName() {
    return this == EXACTLY_ONCE ? "exactly-once" : "at-least-once";
  }
}

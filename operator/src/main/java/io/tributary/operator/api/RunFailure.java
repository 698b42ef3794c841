package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Why an attempt failed, as far as retrying goes (status.runs[].failure). */
public enum RunFailure {
  /** Worth another attempt (source unreachable, pod killed): retried with backoff. */
  @JsonProperty("retryable")
  RETRYABLE("retryable"),
  /** Another attempt would fail the same way (bad data, invalid plan): never retried. */
  @JsonProperty("permanent")
  PERMANENT("permanent"),
  /** Stopped by concurrencyPolicy Replace to start a newer run. */
  @JsonProperty("replaced")
  REPLACED("replaced");

  private final String label;

  RunFailure(String label) {
    this.label = label;
  }

  /** As status spells it, e.g. permanent. */
  @Override
  public String toString() {
    return label;
  }
}

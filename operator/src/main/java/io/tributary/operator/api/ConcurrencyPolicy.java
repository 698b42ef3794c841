package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens when a run is due while another is still active. */
public enum ConcurrencyPolicy {
  /** Do not start the new run; it is skipped (counted in status). */
  @JsonProperty("Forbid")
  FORBID,
  /** Stop the active run and start the new one. */
  @JsonProperty("Replace")
  REPLACE,
  /** Run both. */
  @JsonProperty("Allow")
  ALLOW
}

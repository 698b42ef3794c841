package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where one run of a DataPipeline is (status.runs[].phase). */
public enum RunPhase {
  /**
   * The attempt's Job exists but its pod is not running yet: not created, waiting for a node
   * (Unschedulable), or pulling its image.
   */
  @JsonProperty("Pending")
  PENDING("Pending"),
  /** The attempt's worker is running. */
  @JsonProperty("Running")
  RUNNING("Running"),
  /** The attempt failed with a retryable error; the next one starts at retryAt. */
  @JsonProperty("BackingOff")
  BACKING_OFF("BackingOff"),
  @JsonProperty("Succeeded")
  SUCCEEDED("Succeeded"),
  @JsonProperty("Failed")
  FAILED("Failed"),
  /** Due while another run was active (concurrencyPolicy Forbid): never started. */
  @JsonProperty("Skipped")
  SKIPPED("Skipped");

  private final String label;

  RunPhase(String label) {
    this.label = label;
  }

  /** The run has not ended: an attempt is pending or running, or a retry is due. */
  public boolean inProgress() {
    return this == PENDING || this == RUNNING || this == BACKING_OFF;
  }

  /** An attempt's Job is (or should be) there, doing or about to do the work. */
  public boolean attemptActive() {
    return this == PENDING || this == RUNNING;
  }

  /** The attempt's outcome is known; the record of it never changes again. */
  public boolean attemptSettled() {
    return !attemptActive();
  }

  /** As status and kubectl spell it, e.g. BackingOff. */
  @Override
  public String toString() {
    return label;
  }
}

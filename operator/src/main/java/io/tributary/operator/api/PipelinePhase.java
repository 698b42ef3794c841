package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a DataPipeline is as a whole (status.phase, the PHASE column). */
public enum PipelinePhase {
  /** Nothing has run yet and nothing is due. */
  @JsonProperty("Idle")
  IDLE("Idle"),
  /** A run's pod is not running yet (waiting for a node, pulling its image). */
  @JsonProperty("Pending")
  PENDING("Pending"),
  /** A run's worker is running. */
  @JsonProperty("Running")
  RUNNING("Running"),
  /** The latest attempt failed; a retry is due at lastRun.retryAt. */
  @JsonProperty("BackingOff")
  BACKING_OFF("BackingOff"),
  /** The latest run succeeded; waiting for the next trigger. */
  @JsonProperty("Succeeded")
  SUCCEEDED("Succeeded"),
  /** The latest run failed for good; waiting for the next trigger. */
  @JsonProperty("Failed")
  FAILED("Failed"),
  /** spec.suspend is true. */
  @JsonProperty("Suspended")
  SUSPENDED("Suspended"),
  /** Waiting for upstream pipelines (spec.dependsOn). */
  @JsonProperty("Waiting")
  WAITING("Waiting"),
  /** Refused: see the Ready condition. */
  @JsonProperty("Invalid")
  INVALID("Invalid");

  private final String label;

  PipelinePhase(String label) {
    this.label = label;
  }

  /** As status and kubectl spell it, e.g. BackingOff. */
  @Override
  public String toString() {
    return label;
  }
}

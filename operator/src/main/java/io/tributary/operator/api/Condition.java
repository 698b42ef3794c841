package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A status condition in the Kubernetes convention. Types are positive (Ready, Progressing,
 * Degraded); reasons are CamelCase; lastTransitionTime only moves when status flips.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(
    @JsonPropertyDescription(
            "Ready (doing its job), Progressing (changing: deploying, a run active) or Degraded"
                + " (the operator cannot reconcile or gave up retrying).")
        String type,
    @JsonPropertyDescription("True, False or Unknown.") String status,
    @JsonPropertyDescription(
            "Why, as one CamelCase word for alerts and scripts, e.g. WorkersAvailable,"
                + " RunFailed, ResidencyViolation or InvalidSpec (all reasons: docs/crds.md).")
        String reason,
    @JsonPropertyDescription("What happened and what to do about it.") String message,
    @JsonPropertyDescription("Generation of the spec this condition was computed from.")
        Long observedGeneration,
    @JsonPropertyDescription("When status last changed (RFC 3339).") String lastTransitionTime) {}

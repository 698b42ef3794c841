package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The last change the pool autoscaler made, and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PoolDecision(
    @JsonPropertyDescription("When it was made (RFC 3339).") String time,
    @JsonPropertyDescription(
            "PendingWorkers, BelowMinNodes (the scale target was raised), IdleNodes (idle nodes"
                + " cordoned), RemovingIdleNodes (the scale target was lowered to drop them) or"
                + " NodesNeededAgain (cordoned nodes uncordoned and kept).")
        PoolScaleReason reason,
    @JsonPropertyDescription("What was done and why, in words.") String message,
    @JsonPropertyDescription("The scale target's replicas before.") Integer fromNodes,
    @JsonPropertyDescription("The scale target's replicas after.") Integer toNodes) {}

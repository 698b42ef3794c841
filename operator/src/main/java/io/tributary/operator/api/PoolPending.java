package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The Tributary workers waiting for room on a pool, and what they ask for together. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PoolPending(
    @JsonPropertyDescription(
            "Workers the scheduler could not place (PodScheduled=False, reason Unschedulable)"
                + " whose node selector, tolerations, region and accelerator point at this pool.")
        Integer workers,
    @JsonPropertyDescription("CPU they request together, e.g. 12.") String cpu,
    @JsonPropertyDescription("Memory they request together, e.g. 48Gi.") String memory,
    @JsonPropertyDescription("Accelerators (spec.accelerator.type) they request together.")
        Long accelerators,
    @JsonPropertyDescription(
            "Those of them that ask for more than one node of spec.nodeTemplate offers: no number"
                + " of nodes helps them.")
        Integer unplaceable) {}

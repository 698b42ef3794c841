package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Observed state of a node pool. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComputePoolStatus(
    @JsonPropertyDescription("Generation of the spec the operator last acted on.")
        Long observedGeneration,
    @JsonPropertyDescription(
            "Conditions Ready, Progressing and Degraded, each with a CamelCase reason and a"
                + " message that says what to do; kubectl describe lists them.")
        List<Condition> conditions,
    @JsonPropertyDescription("Nodes whose labels match spec.nodeSelector, ready or not.")
        Integer nodes,
    @JsonPropertyDescription("Matching nodes that are Ready.") Integer readyNodes,
    @JsonPropertyDescription("ready/total, for kubectl get.") String nodesText,
    @JsonPropertyDescription("Allocatable CPU summed over ready nodes, e.g. 48.")
        String allocatableCpu,
    @JsonPropertyDescription("Allocatable memory summed over ready nodes, e.g. 192Gi.")
        String allocatableMemory,
    @JsonPropertyDescription("Allocatable accelerators summed over ready nodes.")
        Long allocatableAccelerators,
    @JsonPropertyDescription("Nodes the operator last asked scaleTargetRef for.")
        Integer desiredNodes) {}

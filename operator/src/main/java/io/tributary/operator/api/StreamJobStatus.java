package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.List;

/** Observed state of a stream. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamJobStatus(
    @JsonPropertyDescription("Generation of the spec the operator last acted on.")
        Long observedGeneration,
    @JsonPropertyDescription(
            "Conditions Ready, Progressing and Degraded, each with a CamelCase reason and a"
                + " message that says what to do; kubectl describe lists them.")
        List<Condition> conditions,
    @StatusReplicas @JsonPropertyDescription("Workers that exist now.") Integer replicas,
    @JsonPropertyDescription("Workers that are ready.") Integer readyReplicas,
    @JsonPropertyDescription("Workers wanted (spec, scale subresource or autoscaler).")
        Integer desiredReplicas,
    @JsonPropertyDescription("ready/desired, for kubectl get.") String readyText,
    @LabelSelector
        @JsonPropertyDescription("Label selector of the workers, for the scale subresource.")
        String selector,
    @JsonPropertyDescription("Total consumer-group lag in records, when known.") Long lag,
    @JsonPropertyDescription("The delivery guarantee in force.") String guarantee,
    @JsonPropertyDescription("Name of the worker Deployment.") String deployment) {}

package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Observed state of a TransformSet. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransformSetStatus(
    @JsonPropertyDescription("Generation of the spec the operator last acted on.")
        Long observedGeneration,
    @JsonPropertyDescription(
            "Condition Ready: True (StepsValid) when the steps pass the checks every pipeline"
                + " makes, False (InvalidSpec, InvalidExpression) with the step and the fix. A"
                + " step that fits only some pipelines' fields is reported on those pipelines.")
        List<Condition> conditions,
    @JsonPropertyDescription(
            "A hash of spec.transforms: the version pipelines run. A change of the steps is a new"
                + " revision, rolled out to every pipeline in usedBy at once (StreamJob workers"
                + " roll, the next DataPipeline run uses it); a change of the description is not.")
        String revision,
    @JsonPropertyDescription("Number of steps in spec.transforms.") Integer steps,
    @Size(max = 200)
        @JsonPropertyDescription(
            "The DataPipelines and StreamJobs of the namespace naming this set, by kind and name"
                + " (at most 200; usedByCount has them all). kubectl describe lists them.")
        List<TransformSetUser> usedBy,
    @JsonPropertyDescription("How many pipelines name this set.") Integer usedByCount) {}

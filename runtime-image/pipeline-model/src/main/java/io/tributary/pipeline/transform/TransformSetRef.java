package io.tributary.pipeline.transform;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A TransformSet of the pipeline's namespace, whose steps stand in this entry's place. The operator
 * replaces the reference by the set's steps before it compiles the plan; a worker never sees one.
 */
public record TransformSetRef(
    @Required
        @Size(max = 253)
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        @JsonPropertyDescription(
            "Name of a TransformSet in the pipeline's namespace. Its steps run here, in its"
                + " order; a change of the set rolls out to every pipeline naming it.")
        String name) {}

package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.TransformSpec;
import java.util.List;

/** Desired state of a TransformSet: its steps, in order. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.transforms) || self.transforms.all(t, !has(t.transformSet))",
    fieldPath = ".transforms",
    message =
        "spec.transforms: a TransformSet cannot name another TransformSet; list that set's steps"
            + " here instead")
public record TransformSetSpec(
    @Size(max = 1024)
        @JsonPropertyDescription("What the steps do and who relies on them, for people.")
        String description,
    @Required
        @Size(min = 1, max = 64)
        @JsonPropertyDescription(
            "Transform steps in order, exactly as in a pipeline's spec.transforms (validate,"
                + " filter, map, derive, normalize, dedupe, mask, consent, aggregate, infer). In a"
                + " pipeline's plan a step is named <set>/<step name>, e.g."
                + " common-cleaning/filter-0. CEL expressions see the fields of each pipeline"
                + " naming the set, so a step is checked against every pipeline's schema.")
        List<TransformSpec> transforms) {}

package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Data residency: the region the data must stay in. */
public record ResidencySpec(
    @Required
        @Pattern("^[a-z]{2}-[a-z]+-[0-9]+$")
        @JsonPropertyDescription(
            "Region the data must stay in, e.g. me-central-1 for UAE data. Workers are pinned to"
                + " nodes labelled topology.kubernetes.io/region=<region>; sources, sinks and the"
                + " pool must declare the same region. In a namespace labelled"
                + " tributary.io/residency the label is authoritative: this field may only repeat"
                + " it, any other region is refused (ResidencyViolation, and at apply time by the"
                + " chart's admission policy).")
        String region) {}

package io.tributary.pipeline.transform;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A CEL predicate over the record's fields. */
public record FilterTransform(
    @Required
        @Size(min = 1, max = 4096)
        @JsonPropertyDescription(
            "CEL expression over the record's top-level fields that yields a bool, e.g."
                + " \"amount > 100.0 && country == 'AE'\". Records for which it is false are"
                + " dropped.")
        String expression) {}

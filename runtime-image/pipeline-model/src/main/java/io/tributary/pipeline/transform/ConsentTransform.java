package io.tributary.pipeline.transform;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * Consent filter. Consent state is a compacted Kafka topic: key = subject id, value = JSON
 * {"purposes": ["fraud-detection", ...]}; a tombstone withdraws all consent.
 */
public record ConsentTransform(
    @Required @JsonPropertyDescription("Purpose this pipeline processes data for, e.g. marketing.")
        String purpose,
    @Required
        @JsonPropertyDescription("Record field holding the data subject's id, e.g. customer_id.")
        String subjectField,
    @Required
        @Pattern("^[a-zA-Z0-9._-]{1,249}$")
        @JsonPropertyDescription("Compacted topic holding consent state (subject -> purposes).")
        String topic,
    @Pattern("^[^,\\s]+:[0-9]+(,[^,\\s]+:[0-9]+)*$")
        @JsonPropertyDescription(
            "Bootstrap servers of the consent topic; default: the source's Kafka cluster.")
        String bootstrapServers) {}

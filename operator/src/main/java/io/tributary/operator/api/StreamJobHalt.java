package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Where a StreamJob's workers halted: a validate step with onInvalid fail refused a record. Every
 * record before it is committed; the workers stay stopped until the spec changes or the
 * tributary.io/skip-record annotation names this position.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamJobHalt(
    @JsonPropertyDescription(
            "The refused record, topic/partition@offset: the value for the"
                + " tributary.io/skip-record annotation that sends it to the dead letters.")
        String position,
    @JsonPropertyDescription("The step that refused it, e.g. transforms[0] (validate-0).")
        String step,
    @JsonPropertyDescription("Why, naming the field (never a value).") String reason,
    @JsonPropertyDescription(
            "The spec generation that halted; a later generation retries the record.")
        Long generation) {}

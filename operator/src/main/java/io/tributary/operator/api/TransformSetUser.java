package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A pipeline that names a TransformSet in its transforms. */
public record TransformSetUser(
    @JsonPropertyDescription("DataPipeline or StreamJob.") String kind,
    @JsonPropertyDescription("Its name, in the set's namespace.") String name) {}

package io.tributary.pipeline;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A key of a Kubernetes Secret in the pipeline's namespace. Credentials are only ever referenced
 * this way: the operator mounts the referenced key (and no other key of the Secret) into the worker
 * and the plan carries the reference, never the value.
 */
public record SecretKeyRef(
    @Required
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        @JsonPropertyDescription(
            "Name of a Secret in the pipeline's namespace. The referenced key, and no other key of"
                + " it, is mounted read-only into the worker under"
                + " /etc/tributary/secrets/<name>/<key>.")
        String name,
    @Required
        @Pattern("^[-._a-zA-Z0-9]+$")
        @JsonPropertyDescription("Key inside the Secret whose value is the credential.")
        String key) {}

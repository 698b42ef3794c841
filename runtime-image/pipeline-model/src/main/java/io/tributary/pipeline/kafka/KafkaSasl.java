package io.tributary.pipeline.kafka;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.tributary.pipeline.SecretKeyRef;

/** SASL credentials: a mechanism, a user name and a password, each read from a Secret key. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KafkaSasl(
    @Required @JsonPropertyDescription("PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.")
        KafkaSecurity.Mechanism mechanism,
    @Required @JsonPropertyDescription("Secret key holding the user name.")
        SecretKeyRef usernameSecretRef,
    @Required @JsonPropertyDescription("Secret key holding the password.")
        SecretKeyRef passwordSecretRef) {}

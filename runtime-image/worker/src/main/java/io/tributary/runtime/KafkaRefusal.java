package io.tributary.runtime;

import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * Words for a Kafka client's failed TLS handshake or SASL authentication, the same in a batch run's
 * summary and a stream worker's termination message: the broker's or the TLS stack's reason (e.g.
 * {@code SSL handshake failed (unable to find valid certification path ...)}) and where to look.
 * The bare root cause alone does not say it was Kafka. Kafka's messages name the mechanism, never a
 * credential.
 */
public final class KafkaRefusal {
  private KafkaRefusal() {}

  /** The description, when {@code e} or one of its causes is a Kafka authentication failure. */
  public static Optional<String> describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof AuthenticationException auth) return Optional.of(refused(auth));
    }
    return Optional.empty();
  }

  private static String refused(AuthenticationException auth) {
    Throwable root = auth;
    while (root.getCause() != null) root = root.getCause();
    String why =
        root == auth || root.getMessage() == null
            ? auth.getMessage()
            : auth.getMessage() + " (" + root.getMessage() + ")";
    return "Kafka refused the connection: "
        + why
        + "; check the cluster's security settings (protocol, tls.caSecretRef, the client"
        + " certificate, sasl credentials)";
  }
}

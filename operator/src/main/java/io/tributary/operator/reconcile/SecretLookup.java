package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tributary.pipeline.SecretKeyRef;
import io.tributary.plan.SecretText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a Secret key the operator itself needs — the source's CA, client certificate and SASL
 * credentials (or its deprecated JAAS line), to read a StreamJob's consumer-group lag with the same
 * credentials the workers use. One GET per key at most every {@link #TTL}, so a steady resync does
 * not read Secrets; a rotated value is picked up within it. Values are turned into text exactly as
 * the worker turns its mounted file ({@link SecretText}) and never logged: errors name the Secret
 * and key only.
 */
final class SecretLookup {
  static final Duration TTL = Duration.ofMinutes(1);

  private record Key(String namespace, String name, String key) {}

  private record Entry(String value, Instant readAt) {}

  private final Clock clock;
  private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

  SecretLookup(Clock clock) {
    this.clock = clock;
  }

  /**
   * @throws IllegalStateException naming the Secret and key when either is missing
   */
  String read(KubernetesClient client, String namespace, SecretKeyRef ref) {
    Key key = new Key(namespace, ref.name(), ref.key());
    Instant now = clock.instant();
    Entry cached = cache.get(key);
    if (cached != null && cached.readAt().plus(TTL).isAfter(now)) {
      return cached.value();
    }
    Secret secret = client.secrets().inNamespace(namespace).withName(ref.name()).get();
    String encoded =
        secret == null || secret.getData() == null ? null : secret.getData().get(ref.key());
    if (encoded == null) {
      cache.remove(key);
      throw new IllegalStateException(
          "Secret " + namespace + "/" + ref.name() + " has no key '" + ref.key() + "'");
    }
    String value = SecretText.of(Base64.getDecoder().decode(encoded));
    cache.put(key, new Entry(value, now));
    return value;
  }
}

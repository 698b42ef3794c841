package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tributary.operator.policy.SecretPolicy;
import io.tributary.operator.policy.SecretPolicy.Seen;
import io.tributary.pipeline.SecretKeyRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the Secrets a pipeline references are open to pipelines ({@link SecretPolicy}): one GET
 * per Secret at most every {@link #TTL} (the operator neither lists nor watches Secrets), keeping
 * only the answer, never the data. A pipeline refused for a Secret is looked at again after the
 * TTL, so labelling the Secret is enough to admit it.
 */
final class SecretOptIns {
  static final Duration TTL = Duration.ofMinutes(1);

  private record Key(String namespace, String name) {}

  private record Entry(Seen seen, Instant readAt) {}

  private final Clock clock;
  private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

  SecretOptIns(Clock clock) {
    this.clock = clock;
  }

  /** What is known of each Secret {@code refs} name. */
  Map<String, Seen> of(KubernetesClient client, String namespace, List<SecretKeyRef> refs) {
    Map<String, Seen> out = new TreeMap<>();
    Instant now = clock.instant();
    for (SecretKeyRef ref : refs) {
      Key key = new Key(namespace, ref.name());
      Entry e = cache.get(key);
      if (e == null || !e.readAt().plus(TTL).isAfter(now)) {
        Secret s = client.secrets().inNamespace(namespace).withName(ref.name()).get();
        e = new Entry(seen(s), now);
        cache.put(key, e);
      }
      out.put(ref.name(), e.seen());
    }
    return out;
  }

  private static Seen seen(Secret s) {
    if (s == null) return Seen.ABSENT;
    Map<String, String> labels = s.getMetadata().getLabels();
    return labels != null && "true".equals(labels.get(SecretPolicy.LABEL))
        ? Seen.OPTED_IN
        : Seen.NOT_OPTED_IN;
  }
}

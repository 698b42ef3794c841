package io.tributary.pipeline;

import io.tributary.pipeline.kafka.KafkaSecurity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every Secret a pipeline references. The operator mounts exactly these into the worker; the
 * runtime checks at start-up that each file is there, so a missing Secret fails fast with its name.
 */
public final class SecretRefs {
  private SecretRefs() {}

  /** The distinct references, sorted by secret name then key. */
  public static List<SecretKeyRef> collect(
      SourceSpec source, List<TransformSpec> transforms, SinkSpec sink) {
    Set<SecretKeyRef> refs = new LinkedHashSet<>();
    if (source != null) {
      if (source.jdbc() != null) {
        add(refs, source.jdbc().userSecretRef());
        add(refs, source.jdbc().passwordSecretRef());
      }
      if (source.http() != null) add(refs, source.http().authSecretRef());
      if (source.files() != null) add(refs, source.files().s3());
      if (source.kafka() != null) {
        add(refs, source.kafka().saslJaasSecretRef());
        add(refs, source.kafka().security());
      }
      if (source.mqtt() != null) {
        add(refs, source.mqtt().usernameSecretRef());
        add(refs, source.mqtt().passwordSecretRef());
        if (source.mqtt().tls() != null) {
          add(refs, source.mqtt().tls().caSecretRef());
          add(refs, source.mqtt().tls().certificateSecretRef());
          add(refs, source.mqtt().tls().keySecretRef());
        }
      }
    }
    if (transforms != null) {
      for (TransformSpec t : transforms) {
        if (t.mask() != null) add(refs, t.mask().keySecretRef());
        if (t.infer() != null && t.infer().model() != null) add(refs, t.infer().model().s3());
      }
    }
    if (sink != null) {
      if (sink.jdbc() != null) {
        add(refs, sink.jdbc().userSecretRef());
        add(refs, sink.jdbc().passwordSecretRef());
      }
      if (sink.lake() != null) add(refs, sink.lake().s3());
      if (sink.lake() != null && sink.lake().iceberg() != null) {
        add(refs, sink.lake().iceberg().catalog().userSecretRef());
        add(refs, sink.lake().iceberg().catalog().passwordSecretRef());
      }
      if (sink.kafka() != null) {
        add(refs, sink.kafka().saslJaasSecretRef());
        add(refs, sink.kafka().security());
      }
      if (sink.featureStore() != null) add(refs, sink.featureStore().passwordSecretRef());
    }
    List<SecretKeyRef> sorted = new ArrayList<>(refs);
    sorted.sort(Comparator.comparing(SecretKeyRef::name).thenComparing(SecretKeyRef::key));
    return sorted;
  }

  /** The distinct secret names, sorted. */
  public static List<String> names(List<SecretKeyRef> refs) {
    return refs.stream().map(SecretKeyRef::name).distinct().sorted().toList();
  }

  /** Where the runtime finds a referenced key. */
  public static String path(String secretsDir, SecretKeyRef ref) {
    return secretsDir + "/" + ref.name() + "/" + ref.key();
  }

  private static void add(Set<SecretKeyRef> refs, KafkaSecurity security) {
    if (security == null) return;
    if (security.tls() != null) {
      add(refs, security.tls().caSecretRef());
      add(refs, security.tls().certificateSecretRef());
      add(refs, security.tls().keySecretRef());
    }
    if (security.sasl() != null) {
      add(refs, security.sasl().usernameSecretRef());
      add(refs, security.sasl().passwordSecretRef());
    }
  }

  private static void add(Set<SecretKeyRef> refs, ObjectStore store) {
    if (store == null) return;
    add(refs, store.accessKeyIdSecretRef());
    add(refs, store.secretAccessKeySecretRef());
  }

  private static void add(Set<SecretKeyRef> refs, SecretKeyRef ref) {
    if (ref != null) refs.add(ref);
  }
}

package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tributary.operator.render.Names;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies rendered objects. Each carries the hash of what we rendered; an object whose hash is
 * unchanged is not written, so a resync makes no write calls and API-server defaults never look
 * like drift. Production uses server-side apply with one field manager; the Fabric8 mock server
 * cannot do SSA, so tests use a JSON merge patch (create when absent).
 */
public final class Applier {
  public static final String FIELD_MANAGER = "tributary-operator";
  public static final String HASH_ANNOTATION = "tributary.io/applied-sha256";
  private static final Logger log = LoggerFactory.getLogger(Applier.class);

  /** How objects are written. */
  public enum Mode {
    SERVER_SIDE_APPLY,
    MERGE_PATCH
  }

  private final KubernetesClient client;
  private final Mode mode;

  public Applier(KubernetesClient client, Mode mode) {
    this.client = client;
    this.mode = mode;
  }

  /**
   * Makes the cluster hold {@code desired}.
   *
   * @param observed the object as the cache or a read has it, or null when it does not exist
   * @return true when a write was made
   */
  public boolean apply(HasMetadata desired, HasMetadata observed) {
    String hash = Names.sha256(Serialization.asJson(desired));
    if (observed != null && hash.equals(annotation(observed))) return false;
    Map<String, String> annotations =
        desired.getMetadata().getAnnotations() == null
            ? new HashMap<>()
            : new HashMap<>(desired.getMetadata().getAnnotations());
    annotations.put(HASH_ANNOTATION, hash);
    desired.getMetadata().setAnnotations(annotations);
    log.info(
        "{} {} {}/{}",
        observed == null ? "creating" : "updating",
        desired.getKind(),
        desired.getMetadata().getNamespace(),
        desired.getMetadata().getName());
    if (mode == Mode.SERVER_SIDE_APPLY) {
      client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    } else if (observed == null) {
      client.resource(desired).create();
    } else {
      client
          .resource(desired)
          .patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).build());
    }
    return true;
  }

  /** Reads the object {@code desired} names, or null. */
  public <T extends HasMetadata> T read(T desired) {
    return client.resource(desired).get();
  }

  private static String annotation(HasMetadata o) {
    Map<String, String> a = o.getMetadata().getAnnotations();
    return a == null ? null : a.get(HASH_ANNOTATION);
  }
}

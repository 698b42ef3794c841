package io.tributary.operator.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.tributary.operator.api.Groups;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels and owner references shared by every object the operator creates. */
public final class Labels {
  /** app.kubernetes.io/name of every worker pod, stream or batch. */
  static final String WORKER_NAME = "tributary-worker";

  private Labels() {}

  /** Labels every Tributary worker pod carries, of any pipeline kind. */
  public static Map<String, String> workers() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", WORKER_NAME);
    labels.put(Groups.LABEL_MANAGED_BY, Groups.MANAGED_BY);
    return labels;
  }

  /**
   * Labels that select a pipeline's pods; never change them (Deployment selectors are immutable).
   */
  public static Map<String, String> selector(String kind, String pipeline) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Groups.LABEL_KIND, kind);
    labels.put(Groups.LABEL_PIPELINE, pipeline);
    return labels;
  }

  /** Selector labels plus the recommended app.kubernetes.io labels. */
  public static Map<String, String> common(String kind, String pipeline) {
    Map<String, String> labels = selector(kind, pipeline);
    labels.put("app.kubernetes.io/name", WORKER_NAME);
    labels.put("app.kubernetes.io/instance", pipeline);
    labels.put(Groups.LABEL_MANAGED_BY, Groups.MANAGED_BY);
    return labels;
  }

  /** The controller owner reference: deleting the pipeline garbage-collects the object. */
  public static OwnerReference owner(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** {@code selector} as the string form the scale subresource wants. */
  public static String selectorString(Map<String, String> selector) {
    StringBuilder sb = new StringBuilder();
    selector.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(v));
    return sb.toString();
  }
}

package io.tributary.operator.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.tributary.operator.api.ComputePoolSpec.ScaleTargetRef;
import io.tributary.operator.autoscale.PoolNode.Cordon;
import io.tributary.operator.status.PoolStatuses;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cordons a node chosen for removal and marks it, so the autoscaler (after a restart too), people
 * ({@code kubectl describe node}) and the infrastructure can tell which nodes are leaving:
 *
 * <ul>
 *   <li>the node: {@code spec.unschedulable} and the annotation {@value #SCALE_DOWN} ({@code
 *       cordoned}, then {@code removing} once the scale target was lowered for it);
 *   <li>with a Cluster API scale target, the node's Machine (named by the node's annotation {@value
 *       #CAPI_MACHINE}, in the namespace of {@value #CAPI_NAMESPACE}): the annotation {@value
 *       #CAPI_DELETE_MACHINE}, which makes its MachineSet delete that Machine first when the
 *       replicas drop. Other scale targets choose by themselves which machine goes.
 * </ul>
 */
final class PoolNodeMarks {
  static final String SCALE_DOWN = "tributary.io/scale-down";
  static final String CAPI_MACHINE = "cluster.x-k8s.io/machine";
  static final String CAPI_NAMESPACE = "cluster.x-k8s.io/cluster-namespace";
  static final String CAPI_DELETE_MACHINE = "cluster.x-k8s.io/delete-machine";
  private static final Logger log = LoggerFactory.getLogger(PoolNodeMarks.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The value of {@value #SCALE_DOWN}: how far the node is on its way out. */
  enum Mark {
    /** Cordoned because it was idle; the scale target still counts it. */
    CORDONED("cordoned"),
    /** The scale target was lowered for it. */
    REMOVING("removing");

    final String value;

    Mark(String value) {
      this.value = value;
    }
  }

  private final KubernetesClient client;
  private final Clock clock;

  PoolNodeMarks(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Whether the node takes new pods, and who decided it does not. */
  static Cordon cordon(Node node) {
    if (!PoolStatuses.cordoned(node)) return Cordon.NONE;
    String mark = annotation(node, SCALE_DOWN);
    if (Mark.REMOVING.value.equals(mark)) return Cordon.REMOVING;
    if (Mark.CORDONED.value.equals(mark)) return Cordon.LEAVING;
    return Cordon.OTHER;
  }

  /**
   * Whether the node carries our mark although someone uncordoned it: whoever did wants it kept, so
   * the mark is stale and goes (the node is no longer leaving).
   */
  static boolean staleMark(Node node) {
    return annotation(node, SCALE_DOWN) != null && !PoolStatuses.cordoned(node);
  }

  void cordon(Node node, ScaleTargetRef target) {
    patchNode(node, true, Mark.CORDONED);
    markMachine(node, target, clock.instant().toString());
  }

  void removing(Node node) {
    patchNode(node, true, Mark.REMOVING);
  }

  void uncordon(Node node, ScaleTargetRef target) {
    patchNode(node, false, null);
    markMachine(node, target, null);
  }

  /** Drops a stale mark, leaving the cordon as someone else set it. */
  void forget(Node node, ScaleTargetRef target) {
    patchNode(node, null, null);
    markMachine(node, target, null);
  }

  /**
   * A JSON merge patch of the node: its cordon (null leaves it as it is) and its mark (null removes
   * it).
   */
  private void patchNode(Node node, Boolean cordon, Mark mark) {
    Map<String, Object> patch = new HashMap<>();
    patch.put("metadata", annotations(SCALE_DOWN, mark == null ? null : mark.value));
    if (cordon != null) {
      Map<String, Object> spec = new HashMap<>();
      // Absent, not false, is how kubectl uncordon leaves a node.
      spec.put("unschedulable", cordon ? true : null);
      patch.put("spec", spec);
    }
    client
        .nodes()
        .withName(node.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), json(patch));
  }

  /**
   * Sets or clears (null) the Machine's delete-machine annotation. Best effort: a node without a
   * Machine, or a Machine the operator may not patch, still leaves through the cordon; the scale
   * target then picks the machine to delete by itself.
   */
  private void markMachine(Node node, ScaleTargetRef target, String value) {
    String machine = annotation(node, CAPI_MACHINE);
    String namespace = annotation(node, CAPI_NAMESPACE);
    if (target == null || machine == null || !target.apiVersion().startsWith("cluster.x-k8s.io/")) {
      return;
    }
    if (namespace == null) namespace = target.namespace();
    try {
      client
          .genericKubernetesResources(target.apiVersion(), "Machine")
          .inNamespace(namespace)
          .withName(machine)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE), json(annotations(CAPI_DELETE_MACHINE, value)));
    } catch (KubernetesClientException | IllegalArgumentException e) {
      log.warn(
          "could not annotate Machine {}/{} of node {}: {}",
          namespace,
          machine,
          node.getMetadata().getName(),
          e.getMessage());
    }
  }

  /** {annotations: {key: value}}, value null to remove the annotation. */
  private static Map<String, Object> annotations(String key, String value) {
    Map<String, Object> annotations = new HashMap<>();
    annotations.put(key, value);
    return Map.of("annotations", annotations);
  }

  /** Jackson's own mapper: it keeps the nulls a merge patch needs to remove a field. */
  private static String json(Map<String, Object> patch) {
    try {
      return JSON.writeValueAsString(patch);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String annotation(Node node, String key) {
    Map<String, String> a = node.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }
}

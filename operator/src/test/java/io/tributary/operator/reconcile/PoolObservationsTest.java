package io.tributary.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tributary.operator.autoscale.PoolNode.Cordon;
import io.tributary.operator.autoscale.Requests;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Kubernetes objects in, the pool autoscaler's plain records out. */
class PoolObservationsTest {
  private static final long MI = 1L << 20;

  @Test
  void aPodReservesItsContainersOrItsLargestInitContainerPlusOverhead() {
    Pod pod =
        pod(
            """
              initContainers:
                - {name: init, resources: {requests: {cpu: "3", memory: 64Mi}}}
              containers:
                - name: worker
                  resources: {requests: {cpu: 500m, memory: 512Mi, nvidia.com/gpu: "1"}}
                - {name: sidecar, resources: {requests: {cpu: 250m, ephemeral-storage: 1Gi}}}
              overhead: {cpu: 100m, memory: 16Mi}
            """);
    // cpu: max(0.75, 3) + 0.1; memory: max(512Mi, 64Mi) + 16Mi; ephemeral storage is not planned.
    assertThat(PoolObservations.requests(pod))
        .isEqualTo(Requests.of(3_100, 528 * MI).with("nvidia.com/gpu", 1));
  }

  @Test
  void aWaitingWorkerCarriesItsSelectorTolerationsAndRegions() {
    Pod pod =
        pod(
            """
              nodeSelector: {tributary.io/pool: gpu-a100}
              tolerations:
                - {key: nvidia.com/gpu, operator: Equal, value: present, effect: NoSchedule}
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                      - matchExpressions:
                          - {key: topology.kubernetes.io/region, operator: In, values: [me-central-1]}
              containers: [{name: worker}]
            """);
    var w = PoolObservations.pending(pod);
    assertThat(w.name()).isEqualTo("analytics/w");
    assertThat(w.placement().regions()).containsExactly("me-central-1");
    assertThat(w.placement().tolerations()).hasSize(1);
    assertThat(
            w.placement().tolerations().get(0).tolerates("nvidia.com/gpu", "present", "NoSchedule"))
        .isTrue();
    // A second, unconstrained term lets the pod run in any region.
    pod.getSpec()
        .getAffinity()
        .getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()
        .add(new io.fabric8.kubernetes.api.model.NodeSelectorTerm());
    assertThat(PoolObservations.pending(pod).placement().regions()).isEqualTo(Set.of());
  }

  @Test
  void theNodesCordonSaysWhoCordonedIt() {
    assertThat(PoolNodeMarks.cordon(node("{}", null))).isEqualTo(Cordon.NONE);
    assertThat(PoolNodeMarks.cordon(node("{unschedulable: true}", null))).isEqualTo(Cordon.OTHER);
    assertThat(PoolNodeMarks.cordon(node("{unschedulable: true}", "cordoned")))
        .isEqualTo(Cordon.LEAVING);
    assertThat(PoolNodeMarks.cordon(node("{unschedulable: true}", "removing")))
        .isEqualTo(Cordon.REMOVING);
    // Uncordoned by hand after the autoscaler cordoned it: the mark is stale and goes.
    for (String mark : new String[] {"cordoned", "removing"}) {
      Node uncordoned = node("{}", mark);
      assertThat(PoolNodeMarks.cordon(uncordoned)).isEqualTo(Cordon.NONE);
      assertThat(PoolNodeMarks.staleMark(uncordoned)).isTrue();
    }
    assertThat(PoolNodeMarks.staleMark(node("{unschedulable: true}", "removing"))).isFalse();
  }

  /** Pod analytics/w with {@code spec} (YAML, indented under spec:). */
  private static Pod pod(String spec) {
    return Serialization.unmarshal(
        "metadata: {name: w, namespace: analytics}\nspec:\n" + spec, Pod.class);
  }

  private static Node node(String spec, String mark) {
    String annotations = mark == null ? "{}" : "{tributary.io/scale-down: " + mark + "}";
    return Serialization.unmarshal(
        "metadata: {name: n, annotations: " + annotations + "}\nspec: " + spec + "\n", Node.class);
  }
}

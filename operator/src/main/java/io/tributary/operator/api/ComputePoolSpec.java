package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/** Desired state of a node pool. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.minNodes) || !has(self.maxNodes) || self.minNodes <= self.maxNodes",
    fieldPath = ".minNodes",
    message = "spec.minNodes: must be <= spec.maxNodes; lower minNodes or raise maxNodes")
@ValidationRule(
    value =
        "!has(self.accelerator) || has(self.taints) && self.taints.exists(t, t.key =="
            + " self.accelerator.type && t.effect != 'PreferNoSchedule')",
    fieldPath = ".taints",
    message =
        "spec.taints: an accelerator pool must taint its nodes with the accelerator type as key"
            + " and effect NoSchedule or NoExecute (e.g. nvidia.com/gpu=present:NoSchedule) so"
            + " CPU work stays off them; add it to spec.taints")
@ValidationRule(
    value =
        "!has(self.scaleTargetRef) || has(self.nodeTemplate) && has(self.nodeTemplate.cpu) &&"
            + " has(self.nodeTemplate.memory)",
    fieldPath = ".nodeTemplate",
    message =
        "spec.nodeTemplate: a pool with scaleTargetRef needs nodeTemplate.cpu and"
            + " nodeTemplate.memory (what one node offers) to plan how many nodes waiting workers"
            + " need; add them")
@ValidationRule(
    value = "!has(self.scaleTargetRef) || !has(self.accelerator) || has(self.accelerator.perNode)",
    fieldPath = ".accelerator",
    message =
        "spec.accelerator.perNode: an accelerator pool with scaleTargetRef needs perNode (the"
            + " accelerators one node offers) to plan how many nodes waiting workers need; add it")
public record ComputePoolSpec(
    @Required
        @Pattern("^[a-z]{2}-[a-z]+-[0-9]+$")
        @JsonPropertyDescription(
            "Region of the pool's nodes (topology.kubernetes.io/region), e.g. me-central-1.")
        String region,
    @Required
        @Size(min = 1)
        @JsonPropertyDescription(
            "Labels that select the pool's nodes, e.g. {tributary.io/pool: gpu-a100}; workers get"
                + " them as their nodeSelector.")
        Map<String, String> nodeSelector,
    @Size(max = 32)
        @JsonPropertyDescription(
            "Taints of the pool's nodes; workers placed on the pool get matching tolerations.")
        List<Taint> taints,
    @JsonPropertyDescription("Accelerators each node offers; unset for a CPU pool.")
        Accelerator accelerator,
    @JsonPropertyDescription(
            "Size of one node: the operator packs waiting workers' requests onto nodes of this"
                + " size to plan how many nodes they need. Required with scaleTargetRef.")
        NodeTemplate nodeTemplate,
    @Min(0)
        @Max(10000)
        @JsonPropertyDescription(
            "Fewest nodes (default 0): the operator raises the scale target to it and never"
                + " removes a node below it.")
        Integer minNodes,
    @Min(0)
        @Max(10000)
        @JsonPropertyDescription(
            "Most nodes (default 10, or minNodes when larger): the operator never asks the scale"
                + " target for more; workers that would need more keep waiting (condition"
                + " AtMaximum).")
        Integer maxNodes,
    @JsonPropertyDescription(
            "Resource with a /scale subresource that sets the node count, e.g. a Cluster API"
                + " MachineDeployment. The operator raises its replicas at once when Tributary"
                + " workers wait for room on the pool, and lowers them for nodes idle for"
                + " scaleDownDelay. Without it the operator only reports.")
        ScaleTargetRef scaleTargetRef,
    @Pattern("^([0-9]+(ms|s|m|h|d))+$")
        @JsonPropertyDescription(
            "How long a node must hold no Tributary worker before it is cordoned and removed"
                + " (default 10m).")
        String scaleDownDelay) {

  /** A pool of the nodes matching {@code nodeSelector} in {@code region}, defaults elsewhere. */
  public static ComputePoolSpec of(String region, Map<String, String> nodeSelector) {
    return new ComputePoolSpec(region, nodeSelector, null, null, null, null, null, null, null);
  }

  public ComputePoolSpec withTaints(List<Taint> t) {
    return new ComputePoolSpec(
        region,
        nodeSelector,
        t,
        accelerator,
        nodeTemplate,
        minNodes,
        maxNodes,
        scaleTargetRef,
        scaleDownDelay);
  }

  public ComputePoolSpec withAccelerator(Accelerator a) {
    return new ComputePoolSpec(
        region,
        nodeSelector,
        taints,
        a,
        nodeTemplate,
        minNodes,
        maxNodes,
        scaleTargetRef,
        scaleDownDelay);
  }

  public ComputePoolSpec withNodeTemplate(NodeTemplate t) {
    return new ComputePoolSpec(
        region,
        nodeSelector,
        taints,
        accelerator,
        t,
        minNodes,
        maxNodes,
        scaleTargetRef,
        scaleDownDelay);
  }

  /** The same pool, between {@code min} and {@code max} nodes. */
  public ComputePoolSpec withNodes(int min, int max) {
    return new ComputePoolSpec(
        region,
        nodeSelector,
        taints,
        accelerator,
        nodeTemplate,
        min,
        max,
        scaleTargetRef,
        scaleDownDelay);
  }

  public ComputePoolSpec withScaleTargetRef(ScaleTargetRef ref) {
    return new ComputePoolSpec(
        region,
        nodeSelector,
        taints,
        accelerator,
        nodeTemplate,
        minNodes,
        maxNodes,
        ref,
        scaleDownDelay);
  }

  public ComputePoolSpec withScaleDownDelay(String delay) {
    return new ComputePoolSpec(
        region,
        nodeSelector,
        taints,
        accelerator,
        nodeTemplate,
        minNodes,
        maxNodes,
        scaleTargetRef,
        delay);
  }

  /** A node taint. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Taint(
      // maxLength bounds the cost of the accelerator rule that compares keys (CEL cost limits).
      @Required
          @Size(min = 1, max = 317)
          @JsonPropertyDescription("Taint key, e.g. nvidia.com/gpu.")
          String key,
      @Size(max = 63) @JsonPropertyDescription("Taint value, e.g. present.") String value,
      @Required @JsonPropertyDescription("NoSchedule, PreferNoSchedule or NoExecute.")
          Effect effect) {

    /** Taint effect. */
    public enum Effect {
      @JsonProperty("NoSchedule")
      NO_SCHEDULE,
      @JsonProperty("PreferNoSchedule")
      PREFER_NO_SCHEDULE,
      @JsonProperty("NoExecute")
      NO_EXECUTE;

      public String wireName() {
        return switch (this) {
          case NO_SCHEDULE -> "NoSchedule";
          case PREFER_NO_SCHEDULE -> "PreferNoSchedule";
          case NO_EXECUTE -> "NoExecute";
        };
      }
    }
  }

  /** Accelerators of a node. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Accelerator(
      @Required
          @Size(max = 317)
          @Pattern("^[a-z0-9.-]+/[a-z0-9.-]+$")
          @JsonPropertyDescription(
              "Extended resource name, e.g. nvidia.com/gpu; the pool's nodes must carry a taint"
                  + " with this key.")
          String type,
      @JsonPropertyDescription("Product, e.g. A100 or L4.") String product,
      @Min(1)
          @Max(16)
          @JsonPropertyDescription("Accelerators each node offers, e.g. 8 for an 8-GPU node.")
          Integer perNode) {}

  /** Size of one node. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NodeTemplate(
      @JsonPropertyDescription("Instance type, informational, e.g. m6i.2xlarge.")
          String instanceType,
      @Pattern("^([0-9]+m|[0-9]+(\\.[0-9]+)?)$")
          @JsonPropertyDescription("Allocatable CPU of one node, e.g. 8.")
          String cpu,
      @Pattern("^[0-9]+(Ki|Mi|Gi|Ti|K|M|G|T)?$")
          @JsonPropertyDescription("Allocatable memory of one node, e.g. 32Gi.")
          String memory) {}

  /** A resource with a scale subresource. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ScaleTargetRef(
      @Required
          @Pattern("^[a-z0-9.-]+/[a-z0-9]+$")
          @JsonPropertyDescription(
              "API group and version of the resource, e.g. cluster.x-k8s.io/v1beta2. The"
                  + " operator's RBAC must allow get and update on its /scale subresource (Helm"
                  + " value poolAutoscaling.scaleTargets).")
          String apiVersion,
      @Required
          @JsonPropertyDescription(
              "Kind of the resource; it must have a /scale subresource, e.g. MachineDeployment.")
          String kind,
      @Required @JsonPropertyDescription("Name of the resource.") String name,
      @Required @JsonPropertyDescription("Namespace of the resource.") String namespace) {}
}

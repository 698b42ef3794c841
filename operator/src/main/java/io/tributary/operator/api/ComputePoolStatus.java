package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Observed state of a node pool. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComputePoolStatus(
    @JsonPropertyDescription("Generation of the spec the operator last acted on.")
        Long observedGeneration,
    @JsonPropertyDescription(
            "Conditions Ready, Progressing, Degraded, Scaling (the pool is being resized) and"
                + " AtMaximum (waiting workers need more than maxNodes), each with a CamelCase"
                + " reason and a message that says what to do; kubectl describe lists them.")
        List<Condition> conditions,
    @JsonPropertyDescription("Nodes whose labels match spec.nodeSelector, ready or not.")
        Integer nodes,
    @JsonPropertyDescription("Matching nodes that are Ready.") Integer readyNodes,
    @JsonPropertyDescription("ready/total, for kubectl get.") String nodesText,
    @JsonPropertyDescription("Allocatable CPU summed over ready nodes, e.g. 48.")
        String allocatableCpu,
    @JsonPropertyDescription("Allocatable memory summed over ready nodes, e.g. 192Gi.")
        String allocatableMemory,
    @JsonPropertyDescription("Allocatable accelerators summed over ready nodes.")
        Long allocatableAccelerators,
    @JsonPropertyDescription(
            "The scale target's replicas as the operator last set or read them: the nodes the"
                + " pool is to have. Unset without spec.scaleTargetRef.")
        Integer desiredNodes,
    @JsonPropertyDescription(
            "Tributary workers waiting for room on this pool, and what they ask for together.")
        PoolPending pending,
    @JsonPropertyDescription("The last change the pool autoscaler made: when, why, from and to.")
        PoolDecision lastDecision,
    @Size(max = 100)
        @JsonPropertyDescription(
            "Nodes holding no Tributary worker and since when (at most 100, longest idle first):"
                + " the autoscaler's memory, so scale-down after scaleDownDelay survives an"
                + " operator restart.")
        List<IdleNode> idleNodes) {

  public static Builder builder() {
    return new Builder();
  }

  /** Names what it sets, instead of a dozen positional arguments. */
  public static final class Builder {
    private Long observedGeneration;
    private List<Condition> conditions;
    private Integer nodes;
    private Integer readyNodes;
    private String nodesText;
    private String allocatableCpu;
    private String allocatableMemory;
    private Long allocatableAccelerators;
    private Integer desiredNodes;
    private PoolPending pending;
    private PoolDecision lastDecision;
    private List<IdleNode> idleNodes;

    private Builder() {}

    /** The conditions, and the generation of the spec they were computed from. */
    public Builder conditions(long generation, List<Condition> v) {
      observedGeneration = generation;
      conditions = v;
      return this;
    }

    /** Matching and ready nodes; also sets the ready/total text. */
    public Builder nodes(int matching, int ready) {
      nodes = matching;
      readyNodes = ready;
      nodesText = ready + "/" + matching;
      return this;
    }

    /** Allocatable capacity of the ready nodes; accelerators null for a CPU pool. */
    public Builder allocatable(String cpu, String memory, Long accelerators) {
      allocatableCpu = cpu;
      allocatableMemory = memory;
      allocatableAccelerators = accelerators;
      return this;
    }

    public Builder desiredNodes(Integer v) {
      desiredNodes = v;
      return this;
    }

    public Builder pending(PoolPending v) {
      pending = v;
      return this;
    }

    public Builder lastDecision(PoolDecision v) {
      lastDecision = v;
      return this;
    }

    /** The idle nodes; an empty list is stored as absent, as the API server would. */
    public Builder idleNodes(List<IdleNode> v) {
      idleNodes = v == null || v.isEmpty() ? null : List.copyOf(v);
      return this;
    }

    public ComputePoolStatus build() {
      return new ComputePoolStatus(
          observedGeneration,
          conditions,
          nodes,
          readyNodes,
          nodesText,
          allocatableCpu,
          allocatableMemory,
          allocatableAccelerators,
          desiredNodes,
          pending,
          lastDecision,
          idleNodes);
    }
  }
}

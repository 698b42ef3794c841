package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.List;

/** Observed state of a stream. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamJobStatus(
    @JsonPropertyDescription("Generation of the spec the operator last acted on.")
        Long observedGeneration,
    @JsonPropertyDescription(
            "Conditions Ready, Progressing and Degraded, each with a CamelCase reason and a"
                + " message that says what to do; kubectl describe lists them.")
        List<Condition> conditions,
    @StatusReplicas @JsonPropertyDescription("Workers that exist now.") Integer replicas,
    @JsonPropertyDescription("Workers that are ready.") Integer readyReplicas,
    @JsonPropertyDescription("Workers wanted (spec, scale subresource or autoscaler).")
        Integer desiredReplicas,
    @JsonPropertyDescription("ready/desired, for kubectl get.") String readyText,
    @LabelSelector
        @JsonPropertyDescription("Label selector of the workers, for the scale subresource.")
        String selector,
    @JsonPropertyDescription("Total consumer-group lag in records, when known.") Long lag,
    @JsonPropertyDescription("The delivery guarantee in force.") String guarantee,
    @JsonPropertyDescription("Name of the worker Deployment.") String deployment,
    @JsonPropertyDescription(
            "Generation of the spec the running workers were rendered from. Behind"
                + " observedGeneration when a later spec is invalid and the last good workers"
                + " keep running.")
        Long workersGeneration,
    @JsonPropertyDescription(
            "With spec.autoscaling: the autoscaler's last decision and why, the throughput it"
                + " measured, and its bounded memory (recommendations, offset readings), so a"
                + " restarted or newly elected operator continues it.")
        AutoscalerStatus autoscaler,
    @JsonPropertyDescription(
            "Set while the workers are halted on a record that a validate step with onInvalid"
                + " fail refused; the Ready condition says how to resume.")
        StreamJobHalt halted) {

  /** A builder starting from this status. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder() {
    return new Builder(null);
  }

  /** Names what it sets, instead of a dozen positional arguments. */
  public static final class Builder {
    private Long observedGeneration;
    private List<Condition> conditions;
    private Integer replicas;
    private Integer readyReplicas;
    private Integer desiredReplicas;
    private String readyText;
    private String selector;
    private Long lag;
    private String guarantee;
    private String deployment;
    private Long workersGeneration;
    private AutoscalerStatus autoscaler;
    private StreamJobHalt halted;

    private Builder(StreamJobStatus s) {
      if (s == null) return;
      observedGeneration = s.observedGeneration;
      conditions = s.conditions;
      replicas = s.replicas;
      readyReplicas = s.readyReplicas;
      desiredReplicas = s.desiredReplicas;
      readyText = s.readyText;
      selector = s.selector;
      lag = s.lag;
      guarantee = s.guarantee;
      deployment = s.deployment;
      workersGeneration = s.workersGeneration;
      autoscaler = s.autoscaler;
      halted = s.halted;
    }

    public Builder observedGeneration(Long v) {
      observedGeneration = v;
      return this;
    }

    public Builder conditions(List<Condition> v) {
      conditions = v;
      return this;
    }

    /** Workers that exist, are ready and are wanted; also sets the ready/desired text. */
    public Builder workers(int existing, int ready, int desired) {
      replicas = existing;
      readyReplicas = ready;
      desiredReplicas = desired;
      readyText = ready + "/" + desired;
      return this;
    }

    public Builder selector(String v) {
      selector = v;
      return this;
    }

    public Builder lag(Long v) {
      lag = v;
      return this;
    }

    public Builder guarantee(String v) {
      guarantee = v;
      return this;
    }

    public Builder deployment(String v) {
      deployment = v;
      return this;
    }

    public Builder workersGeneration(Long v) {
      workersGeneration = v;
      return this;
    }

    public Builder autoscaler(AutoscalerStatus v) {
      autoscaler = v;
      return this;
    }

    public Builder halted(StreamJobHalt v) {
      halted = v;
      return this;
    }

    public StreamJobStatus build() {
      return new StreamJobStatus(
          observedGeneration,
          conditions,
          replicas,
          readyReplicas,
          desiredReplicas,
          readyText,
          selector,
          lag,
          guarantee,
          deployment,
          workersGeneration,
          autoscaler,
          halted);
    }
  }
}

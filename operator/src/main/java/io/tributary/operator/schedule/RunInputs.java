package io.tributary.operator.schedule;

import io.tributary.operator.api.DataPipelineSpec;
import io.tributary.operator.api.DataPipelineStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the run scheduler looks at, observed by the reconciler. Build one with {@link
 * #builder()}.
 *
 * @param pipeline the DataPipeline's name (Job names derive from it)
 * @param spec its spec
 * @param status its status as last written, or null on the first reconcile
 * @param generation metadata.generation
 * @param createdAt metadata.creationTimestamp: a new pipeline does not catch up schedule times from
 *     before it existed
 * @param runNow the tributary.io/run-now annotation, or null
 * @param jobs the pipeline's Jobs, with their pods
 * @param upstreams for each spec.dependsOn name, the upstream's latest run; a name is absent when
 *     that DataPipeline does not exist
 */
public record RunInputs(
    String pipeline,
    DataPipelineSpec spec,
    DataPipelineStatus status,
    long generation,
    Instant createdAt,
    String runNow,
    List<ObservedJob> jobs,
    Map<String, UpstreamRun> upstreams) {

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link RunInputs}: no status, generation 1, no Jobs, no upstreams until set. */
  public static final class Builder {
    private String pipeline;
    private DataPipelineSpec spec;
    private DataPipelineStatus status;
    private long generation = 1;
    private Instant createdAt;
    private String runNow;
    private List<ObservedJob> jobs = List.of();
    private Map<String, UpstreamRun> upstreams = Map.of();

    private Builder() {}

    public Builder pipeline(String v) {
      pipeline = v;
      return this;
    }

    public Builder spec(DataPipelineSpec v) {
      spec = v;
      return this;
    }

    public Builder status(DataPipelineStatus v) {
      status = v;
      return this;
    }

    public Builder generation(long v) {
      generation = v;
      return this;
    }

    public Builder createdAt(Instant v) {
      createdAt = v;
      return this;
    }

    public Builder runNow(String v) {
      runNow = v;
      return this;
    }

    public Builder jobs(List<ObservedJob> v) {
      jobs = List.copyOf(v);
      return this;
    }

    public Builder upstreams(Map<String, UpstreamRun> v) {
      upstreams = Map.copyOf(v);
      return this;
    }

    public RunInputs build() {
      return new RunInputs(pipeline, spec, status, generation, createdAt, runNow, jobs, upstreams);
    }
  }
}

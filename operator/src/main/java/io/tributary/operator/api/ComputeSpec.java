package io.tributary.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Where and with what resources the workers run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComputeSpec(
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        @JsonPropertyDescription(
            "Name of the ComputePool the workers run on; its node selector and tolerations are"
                + " applied. Default: no pool (any node the scheduler picks in the region).")
        String pool,
    @JsonPropertyDescription("CPU and memory of each worker.") Resources resources,
    @Min(1)
        @Max(256)
        @JsonPropertyDescription(
            "StreamJob: processing loops in each worker (default 1; scale out with replicas)."
                + " DataPipeline: pods one run is split across (default 1). Above 1 the run is a"
                + " Kubernetes Indexed Job: pod i reads the rows of source.jdbc whose"
                + " partitionColumn (an integer column) mod parallelism is i, and stages its"
                + " files; one more index publishes all parts with one lake manifest, so the"
                + " run's output appears at once and a retried pod replaces its own part. Built"
                + " for source.jdbc (no incremental) into sink.lake parquet or jsonl only; the"
                + " schema refuses other combinations. source.jdbc.partitions still sets the"
                + " reading threads in each pod.")
        Integer parallelism,
    @JsonPropertyDescription(
            "Accelerators (GPUs) each worker needs: requested as an extended resource such as"
                + " nvidia.com/gpu, on a pool whose accelerator offers them.")
        Accelerator accelerator) {

  /** Workers in {@code pool}, every other setting at its default. */
  public static ComputeSpec inPool(String pool) {
    return new ComputeSpec(pool, null, null, null);
  }

  /** Workers that need {@code accelerator}, in no named pool. */
  public static ComputeSpec of(Accelerator accelerator) {
    return new ComputeSpec(null, null, null, accelerator);
  }

  public ComputeSpec withResources(Resources r) {
    return new ComputeSpec(pool, r, parallelism, accelerator);
  }

  public ComputeSpec withParallelism(int n) {
    return new ComputeSpec(pool, resources, n, accelerator);
  }

  public ComputeSpec withAccelerator(Accelerator a) {
    return new ComputeSpec(pool, resources, parallelism, a);
  }

  /** Container resources. Requests equal limits for memory, so workers are never OOM-surprised. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Resources(
      @Pattern("^([0-9]+m|[0-9]+(\\.[0-9]+)?)$")
          @JsonPropertyDescription("CPU request, e.g. 500m or 2 (default 500m).")
          String cpu,
      @Pattern("^[0-9]+(Ki|Mi|Gi|Ti|K|M|G|T)?$")
          @JsonPropertyDescription("Memory request and limit, e.g. 1Gi (default 512Mi).")
          String memory) {}

  /** GPU needs. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Accelerator(
      @Required
          @Pattern("^[a-z0-9.-]+/[a-z0-9.-]+$")
          @JsonPropertyDescription("Extended resource name, e.g. nvidia.com/gpu.")
          String type,
      @Required @Min(1) @Max(16) @JsonPropertyDescription("Accelerators per worker.") Integer count,
      @JsonPropertyDescription(
              "Accelerator product the pool must offer, e.g. A100 (matched against the pool's"
                  + " accelerator.product).")
          String product) {}
}

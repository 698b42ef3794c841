package io.tributary.operator.schedule;

import io.tributary.operator.api.DataPipelineSpec;
import io.tributary.operator.api.DataPipelineStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the run scheduler looks at, observed by the reconciler.
 *
 * @param pipeline the DataPipeline's name (Job names derive from it)
 * @param spec its spec
 * @param status its status as last written, or null on the first reconcile
 * @param generation metadata.generation
 * @param createdAt metadata.creationTimestamp: a new pipeline does not catch up schedule times from
 *     before it existed
 * @param runNow the tributary.io/run-now annotation, or null
 * @param jobs the pipeline's Jobs
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
    Map<String, UpstreamRun> upstreams) {}

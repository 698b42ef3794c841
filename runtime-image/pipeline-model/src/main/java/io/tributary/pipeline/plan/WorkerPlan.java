package io.tributary.pipeline.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import java.util.List;

/**
 * The worker plan: what the operator tells a worker to do, mounted at {@value #MOUNT_PATH}. It is
 * the resolved spec with every default applied, so the runtime never guesses. Secrets appear only
 * as references; the runtime reads {@code <secretsDir>/<secret name>/<key>}.
 *
 * @param planVersion always {@value #VERSION}; the runtime refuses other versions
 * @param kind {@code StreamJob} or {@code DataPipeline}
 * @param runId the batch run id; null for streams
 * @param region residency region the worker is pinned to; null without residency
 * @param commitInterval stream transaction / offset commit interval, e.g. 5s
 * @param progressInterval how often a batch run logs progress, e.g. 10s
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerPlan(
    int planVersion,
    String kind,
    PipelineIdentity pipeline,
    String runId,
    String region,
    int metricsPort,
    String secretsDir,
    SourceSpec source,
    List<TransformSpec> transforms,
    SinkSpec sink,
    SchemaSpec schema,
    DeadLetterSpec deadLetter,
    Guarantee guarantee,
    String commitInterval,
    String progressInterval,
    LineageConfig lineage) {

  public static final int VERSION = 1;
  public static final String MOUNT_PATH = "/etc/tributary/plan.json";
  public static final String SECRETS_DIR = "/etc/tributary/secrets";
  public static final String KIND_STREAM = "StreamJob";
  public static final String KIND_BATCH = "DataPipeline";

  /**
   * Who the worker works for: used in metrics labels, consumer groups and lineage. It has no
   * generation on purpose: scaling a StreamJob bumps the generation, and a plan that changed with
   * it would restart every worker.
   */
  public record PipelineIdentity(String namespace, String name, String uid) {}

  /**
   * Where OpenLineage events go.
   *
   * @param transport console, http or kafka; none disables lineage
   * @param url the HTTP endpoint for transport http
   * @param topic the topic for transport kafka
   * @param bootstrapServers the brokers for transport kafka
   * @param namespace the OpenLineage job namespace
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LineageConfig(
      String transport, String url, String topic, String bootstrapServers, String namespace) {}
}

package io.tributary.pipeline.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import java.util.List;

/**
 * The worker plan: everything a worker does, mounted at {@value #MOUNT_PATH}. The plan compiler
 * ({@code io.tributary.plan.PlanCompiler}) writes it with every default applied, and the runtime
 * reads nothing else: no environment variables, no defaults of its own. A plan with a missing value
 * is refused at start-up. Secrets appear only as references; the runtime reads {@code
 * <secretsDir>/<secret name>/<key>}.
 *
 * @param planVersion always {@value #VERSION}; the runtime refuses other versions
 * @param kind which engine runs the plan
 * @param run the run this DataPipeline plan is for; null for a StreamJob
 * @param metricsPort port of /metrics, /healthz and /readyz
 * @param sinkSchema the fields of the records reaching a lake or feature-store sink, computed by
 *     the plan compiler from spec.schema and the steps; null for other sinks, and when the fields
 *     are unknown (no schema.fields, or a jsonSchema without an aggregate or map that fixes them)
 * @param deadLetter where rejected records go, resolved
 * @param guarantee StreamJob delivery guarantee
 * @param commitInterval StreamJob transaction / offset commit interval, e.g. 1s
 * @param threads StreamJob processing loops in one worker process
 * @param progressInterval how often a DataPipeline run logs progress, e.g. 10s
 * @param skipRecord StreamJob: the one record ({@code topic/partition@offset}) that goes to the
 *     dead letters instead of halting the worker when a validate step with onInvalid fail refuses
 *     it; from the {@code tributary.io/skip-record} annotation, null when there is none
 * @param modelsDir where infer steps' model volumes are mounted ({@value #MODELS_DIR}); set only in
 *     plans with an infer step
 * @param events DataPipeline: where the run's CloudEvents go (started, succeeded, failed), with
 *     every default applied; null when the pipeline sends none. A StreamJob's events are the
 *     operator's to send, so its workers' plan never carries them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerPlan(
    int planVersion,
    Kind kind,
    PipelineIdentity pipeline,
    Run run,
    int metricsPort,
    String secretsDir,
    SourceSpec source,
    List<TransformSpec> transforms,
    SinkSpec sink,
    SchemaSpec schema,
    SinkSchema sinkSchema,
    DeadLetters deadLetter,
    Guarantee guarantee,
    String commitInterval,
    Integer threads,
    String progressInterval,
    LineageConfig lineage,
    String skipRecord,
    EventsSpec events,
    String modelsDir) {

  public static final int VERSION = 1;
  public static final String MOUNT_PATH = "/etc/tributary/plan.json";
  public static final String SECRETS_DIR = "/etc/tributary/secrets";

  /**
   * Where infer steps' models are mounted: {@code <MODELS_DIR>/<step name>/<file>} (see {@link
   * io.tributary.pipeline.transform.InferTransform.Model#file}).
   */
  public static final String MODELS_DIR = "/etc/tributary/models";

  /** Which engine runs a plan; spelled as the custom resource kind it came from. */
  public enum Kind {
    @JsonProperty("StreamJob")
    STREAM_JOB,
    @JsonProperty("DataPipeline")
    DATA_PIPELINE;

    /** The custom resource kind, as users and the plan spell it. */
    public String resourceKind() {
      return this == STREAM_JOB ? "StreamJob" : "DataPipeline";
    }
  }

  /**
   * Who the worker works for: used in metrics labels, consumer groups and lineage. It has no
   * generation on purpose: scaling a StreamJob bumps the generation, and a plan that changed with
   * it would restart every worker.
   */
  public record PipelineIdentity(String namespace, String name, String uid) {}

  /**
   * One attempt of a DataPipeline run. Every attempt of a run has the same id, so a retried attempt
   * finds what an earlier one committed.
   *
   * @param id the run id, e.g. {@code sched-20261130t0200z}
   * @param attempt 1 for the first attempt, counting up on retries
   * @param watermark the incremental source's high watermark after the last successful run; null
   *     when there was none
   * @param parts the number of parts the run is split into ({@code spec.compute.parallelism}): each
   *     part reads its share of the source in its own pod (an index of a Kubernetes Indexed Job)
   *     and stages its output, and one more index commits all parts at once; null for a run in one
   *     pod
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Run(String id, int attempt, String watermark, Integer parts) {
    /** A run in one pod. */
    public Run(String id, int attempt, String watermark) {
      this(id, attempt, watermark, null);
    }

    /** Whether the run is split across pods. */
    public boolean parted() {
      return parts != null && parts > 1;
    }

    /** This run, split into {@code n} parts (null or 1: one pod). */
    public Run withParts(Integer n) {
      return new Run(id, attempt, watermark, n == null || n <= 1 ? null : n);
    }
  }

  /**
   * Where rejected records go, with every default resolved.
   *
   * @param topic Kafka topic for rejected records (always set for a StreamJob)
   * @param bootstrapServers the brokers of {@code topic}
   * @param path directory for a DataPipeline run's rejected records (JSON Lines)
   * @param maxRejectedRatio DataPipeline: fail the run when more than this fraction is rejected
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DeadLetters(
      String topic, String bootstrapServers, String path, Double maxRejectedRatio) {}

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
      String transport, String url, String topic, String bootstrapServers, String namespace) {

    /** Events printed to the worker's log. */
    public static LineageConfig console() {
      return new LineageConfig("console", null, null, null, null);
    }

    /** Events posted to {@code url}. */
    public static LineageConfig http(String url) {
      return new LineageConfig("http", url, null, null, null);
    }

    /** Events sent to {@code topic} on {@code bootstrapServers}. */
    public static LineageConfig kafka(String bootstrapServers, String topic) {
      return new LineageConfig("kafka", null, topic, bootstrapServers, null);
    }

    /** The same transport, with job namespace {@code ns}. */
    public LineageConfig withNamespace(String ns) {
      return new LineageConfig(transport, url, topic, bootstrapServers, ns);
    }
  }

  public static Builder builder(Kind kind) {
    return new Builder(kind);
  }

  /** A builder with this plan's values, to change a few. */
  public Builder toBuilder() {
    Builder b = new Builder(kind);
    b.pipeline = pipeline;
    b.run = run;
    b.metricsPort = metricsPort;
    b.secretsDir = secretsDir;
    b.source = source;
    b.transforms = transforms;
    b.sink = sink;
    b.schema = schema;
    b.sinkSchema = sinkSchema;
    b.deadLetter = deadLetter;
    b.guarantee = guarantee;
    b.commitInterval = commitInterval;
    b.threads = threads;
    b.progressInterval = progressInterval;
    b.lineage = lineage;
    b.skipRecord = skipRecord;
    b.events = events;
    b.modelsDir = modelsDir;
    return b;
  }

  /** Names what it sets, so no call site passes a row of positional nulls. */
  public static final class Builder {
    private final Kind kind;
    private PipelineIdentity pipeline;
    private Run run;
    private int metricsPort;
    private String secretsDir = SECRETS_DIR;
    private SourceSpec source;
    private List<TransformSpec> transforms = List.of();
    private SinkSpec sink;
    private SchemaSpec schema;
    private SinkSchema sinkSchema;
    private DeadLetters deadLetter;
    private Guarantee guarantee;
    private String commitInterval;
    private Integer threads;
    private String progressInterval;
    private LineageConfig lineage;
    private String skipRecord;
    private EventsSpec events;
    private String modelsDir;

    private Builder(Kind kind) {
      this.kind = kind;
    }

    public Builder pipeline(PipelineIdentity v) {
      pipeline = v;
      return this;
    }

    public Builder pipeline(String namespace, String name, String uid) {
      return pipeline(new PipelineIdentity(namespace, name, uid));
    }

    public Builder run(Run v) {
      run = v;
      return this;
    }

    public Builder metricsPort(int v) {
      metricsPort = v;
      return this;
    }

    public Builder secretsDir(String v) {
      secretsDir = v;
      return this;
    }

    public Builder source(SourceSpec v) {
      source = v;
      return this;
    }

    public Builder transforms(List<TransformSpec> v) {
      transforms = v == null ? List.of() : List.copyOf(v);
      return this;
    }

    public Builder sink(SinkSpec v) {
      sink = v;
      return this;
    }

    public Builder schema(SchemaSpec v) {
      schema = v;
      return this;
    }

    public Builder sinkSchema(SinkSchema v) {
      sinkSchema = v;
      return this;
    }

    public Builder deadLetter(DeadLetters v) {
      deadLetter = v;
      return this;
    }

    public Builder guarantee(Guarantee v) {
      guarantee = v;
      return this;
    }

    public Builder commitInterval(String v) {
      commitInterval = v;
      return this;
    }

    public Builder threads(Integer v) {
      threads = v;
      return this;
    }

    public Builder progressInterval(String v) {
      progressInterval = v;
      return this;
    }

    public Builder lineage(LineageConfig v) {
      lineage = v;
      return this;
    }

    public Builder skipRecord(String v) {
      skipRecord = v;
      return this;
    }

    public Builder events(EventsSpec v) {
      events = v;
      return this;
    }

    /** Where the model volumes are; {@value #MODELS_DIR} when unset and a step infers. */
    public Builder modelsDir(String v) {
      modelsDir = v;
      return this;
    }

    public WorkerPlan build() {
      boolean infers =
          transforms.stream()
              .anyMatch(t -> t != null && t.infer() != null && t.infer().model() != null);
      return new WorkerPlan(
          VERSION,
          kind,
          pipeline,
          run,
          metricsPort,
          secretsDir,
          source,
          transforms,
          sink,
          schema,
          sinkSchema,
          deadLetter,
          guarantee,
          commitInterval,
          threads,
          progressInterval,
          lineage,
          skipRecord,
          events,
          modelsDir != null ? modelsDir : infers ? MODELS_DIR : null);
    }
  }
}

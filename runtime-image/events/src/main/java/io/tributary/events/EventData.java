package io.tributary.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.tributary.pipeline.SinkSpec;

/**
 * The {@code data} of Tributary's CloudEvents (JSON, {@code datacontenttype application/json}): one
 * schema for every type, fields left out where they do not apply. docs/events.md shows it.
 *
 * @param pipeline who sent it
 * @param run the run and attempt (run events)
 * @param dataset what the pipeline writes: the sink's table, topic or path
 * @param records counts of the attempt (run succeeded and failed)
 * @param durationMillis how long the attempt ran (run succeeded and failed)
 * @param watermark the incremental source's new high watermark (run succeeded), if any
 * @param commit where the run's output was committed, when the sink says (the lake)
 * @param failure why the attempt failed (run failed)
 * @param generation the spec generation the workers run (StreamJob events)
 * @param replicas workers before and after (scaled), ready workers (rolled out)
 * @param halt where a StreamJob halted (halted)
 * @param message the same words the Kubernetes Event says
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "pipeline",
  "run",
  "dataset",
  "records",
  "durationMillis",
  "watermark",
  "commit",
  "failure",
  "generation",
  "replicas",
  "halt",
  "message"
})
public record EventData(
    Pipeline pipeline,
    Run run,
    Dataset dataset,
    Records records,
    Long durationMillis,
    String watermark,
    TableCommit commit,
    Failure failure,
    Long generation,
    Replicas replicas,
    Halt halt,
    String message) {

  /** The custom resource that sent the event. */
  public record Pipeline(String kind, String namespace, String name, String uid) {}

  /** A run id and the attempt; every attempt of a run has the same id. */
  public record Run(String id, int attempt) {}

  /**
   * What a pipeline writes.
   *
   * @param kind the sink kind: lake, jdbc, kafka or featureStore
   * @param name the lake directory, the table, the topic or the feature view
   * @param format the lake's file format, else null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Dataset(String kind, String name, String format) {

    /** The dataset {@code sink} writes. */
    public static Dataset of(SinkSpec sink) {
      return switch (sink.kind()) {
        case "lake" ->
            new Dataset("lake", sink.lake().path(), sink.lake().format().name().toLowerCase());
        case "jdbc" -> new Dataset("jdbc", sink.jdbc().table(), null);
        case "kafka" -> new Dataset("kafka", sink.kafka().topic(), null);
        case "featureStore" -> new Dataset("featureStore", sink.featureStore().featureView(), null);
        default -> new Dataset(sink.kind(), null, null);
      };
    }
  }

  /** Record counts of one attempt, as in the run summary. */
  public record Records(long read, long written, long rejected, long dropped) {}

  /**
   * Why an attempt failed.
   *
   * @param kind {@code retryable} (the operator tries again) or {@code permanent}
   */
  public record Failure(String kind, String message) {}

  /** Workers: {@code from} → {@code to} wanted (scaled), {@code ready} running (rolled out). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Replicas(Integer from, Integer to, Integer ready) {}

  /** Where a StreamJob halted: the position is what the skip-record annotation takes. */
  public record Halt(String position, String step, String reason) {}
}

package io.tributary.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.PojoCloudEventData;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.plan.WorkerPlan.Kind;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Builds Tributary's CloudEvents (docs/events.md). Pure: the same inputs give the same event, id
 * and time included (the caller passes the time), so a retried delivery carries the same id and a
 * receiver can drop the duplicate.
 *
 * <ul>
 *   <li>{@code source}: {@code /namespaces/<namespace>/<datapipelines|streamjobs>/<name>}
 *   <li>{@code subject}: the run id for run events, the output dataset for StreamJob events
 *   <li>{@code dataset} (extension): the output dataset's name, for filters on brokers
 *   <li>{@code id}: a name-based UUID of the pipeline's uid and what happened, see {@link #id}
 * </ul>
 */
public final class TributaryEvents {
  /** The extension attribute naming the dataset (a table, topic or lake path). */
  public static final String DATASET = "dataset";

  public static final String DATA_CONTENT_TYPE = "application/json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TributaryEvents() {}

  /** A run's attempt started reading. */
  public static CloudEvent runStarted(
      WorkerPlan.PipelineIdentity pipeline, SinkSpec sink, WorkerPlan.Run run, Instant time) {
    EventData data = data(Kind.DATA_PIPELINE, pipeline, sink).run(run).build();
    return event(
        EventType.RUN_STARTED,
        pipeline,
        Kind.DATA_PIPELINE,
        "run/" + run.id() + "/" + run.attempt() + "/started",
        run.id(),
        data,
        time);
  }

  /**
   * A run committed its output. The id is the run's, not the attempt's: a later attempt that finds
   * the run already committed reports it again with the same id.
   *
   * @param commit where the sink committed, or null when it does not say
   */
  public static CloudEvent runSucceeded(
      WorkerPlan.PipelineIdentity pipeline,
      SinkSpec sink,
      WorkerPlan.Run run,
      RunSummary summary,
      TableCommit commit,
      Instant time) {
    EventData data =
        data(Kind.DATA_PIPELINE, pipeline, sink)
            .run(run)
            .counts(summary)
            .watermark(summary.watermark())
            .commit(commit)
            .build();
    return event(
        EventType.RUN_SUCCEEDED,
        pipeline,
        Kind.DATA_PIPELINE,
        "run/" + run.id() + "/succeeded",
        run.id(),
        data,
        time);
  }

  /** A run's attempt failed; {@code summary} says why and whether the operator retries. */
  public static CloudEvent runFailed(
      WorkerPlan.PipelineIdentity pipeline,
      SinkSpec sink,
      WorkerPlan.Run run,
      RunSummary summary,
      Instant time) {
    EventData data =
        data(Kind.DATA_PIPELINE, pipeline, sink)
            .run(run)
            .counts(summary)
            .failure(new EventData.Failure(summary.failure(), summary.message()))
            .build();
    return event(
        EventType.RUN_FAILED,
        pipeline,
        Kind.DATA_PIPELINE,
        "run/" + run.id() + "/" + run.attempt() + "/failed",
        run.id(),
        data,
        time);
  }

  /**
   * A run's attempt failed without its worker saying so (killed for memory, stopped at its timeout,
   * its node lost): the operator reports it, without counts, under the id the worker would have
   * used, so a receiver that got both keeps one.
   */
  public static CloudEvent runFailed(
      WorkerPlan.PipelineIdentity pipeline,
      SinkSpec sink,
      WorkerPlan.Run run,
      EventData.Failure failure,
      Instant time) {
    EventData data = data(Kind.DATA_PIPELINE, pipeline, sink).run(run).failure(failure).build();
    return event(
        EventType.RUN_FAILED,
        pipeline,
        Kind.DATA_PIPELINE,
        "run/" + run.id() + "/" + run.attempt() + "/failed",
        run.id(),
        data,
        time);
  }

  /** Every worker of a StreamJob runs spec generation {@code generation}. */
  public static CloudEvent rolledOut(
      WorkerPlan.PipelineIdentity job,
      SinkSpec sink,
      long generation,
      int ready,
      String message,
      Instant time) {
    EventData data =
        data(Kind.STREAM_JOB, job, sink)
            .generation(generation)
            .replicas(new EventData.Replicas(null, null, ready))
            .message(message)
            .build();
    return streamEvent(
        EventType.STREAM_ROLLED_OUT, job, sink, "rolledout/" + generation, data, time);
  }

  /**
   * The workers wanted went from {@code from} to {@code to}. A job scales between the same counts
   * many times, so the time is part of the id.
   */
  public static CloudEvent scaled(
      WorkerPlan.PipelineIdentity job,
      SinkSpec sink,
      int from,
      int to,
      String message,
      Instant time) {
    EventData data =
        data(Kind.STREAM_JOB, job, sink)
            .replicas(new EventData.Replicas(from, to, null))
            .message(message)
            .build();
    return streamEvent(
        EventType.STREAM_SCALED,
        job,
        sink,
        "scaled/" + from + "-" + to + "/" + time.toEpochMilli(),
        data,
        time);
  }

  /** A StreamJob halted on the record at {@code halt.position()}. */
  public static CloudEvent halted(
      WorkerPlan.PipelineIdentity job,
      SinkSpec sink,
      EventData.Halt halt,
      String message,
      Instant time) {
    EventData data = data(Kind.STREAM_JOB, job, sink).halt(halt).message(message).build();
    return streamEvent(EventType.STREAM_HALTED, job, sink, "halted/" + halt.position(), data, time);
  }

  /**
   * {@code /namespaces/<namespace>/<plural>/<name>}, the path of the resource in the Kubernetes API
   * without its group.
   */
  public static URI source(Kind kind, WorkerPlan.PipelineIdentity pipeline) {
    String plural = kind == Kind.STREAM_JOB ? "streamjobs" : "datapipelines";
    return URI.create("/namespaces/" + pipeline.namespace() + "/" + plural + "/" + pipeline.name());
  }

  /**
   * A name-based UUID of the pipeline's uid (its namespace and name without one) and {@code key},
   * e.g. {@code run/<run id>/<attempt>/started}: the same happening always has the same id, and two
   * pipelines, or a pipeline deleted and created again under its name, never share one.
   */
  public static String id(WorkerPlan.PipelineIdentity pipeline, String key) {
    String owner =
        pipeline.uid() != null ? pipeline.uid() : pipeline.namespace() + "/" + pipeline.name();
    return UUID.nameUUIDFromBytes((owner + "/" + key).getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static CloudEvent streamEvent(
      EventType type,
      WorkerPlan.PipelineIdentity job,
      SinkSpec sink,
      String key,
      EventData data,
      Instant time) {
    return event(type, job, Kind.STREAM_JOB, key, data.dataset().name(), data, time);
  }

  private static CloudEvent event(
      EventType type,
      WorkerPlan.PipelineIdentity pipeline,
      Kind kind,
      String key,
      String subject,
      EventData data,
      Instant time) {
    CloudEventBuilder b =
        CloudEventBuilder.v1()
            .withId(id(pipeline, key))
            .withSource(source(kind, pipeline))
            .withType(type.type())
            .withSubject(subject)
            .withTime(time.atOffset(ZoneOffset.UTC))
            .withDataContentType(DATA_CONTENT_TYPE)
            .withData(PojoCloudEventData.wrap(data, TributaryEvents::bytes));
    if (data.dataset() != null && data.dataset().name() != null) {
      b.withExtension(DATASET, data.dataset().name());
    }
    return b.build();
  }

  private static byte[] bytes(EventData data) {
    try {
      return JSON.writeValueAsBytes(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("event data does not serialize: " + e.getMessage(), e);
    }
  }

  private static DataBuilder data(Kind kind, WorkerPlan.PipelineIdentity pipeline, SinkSpec sink) {
    return new DataBuilder(
        new EventData.Pipeline(
            kind.resourceKind(), pipeline.namespace(), pipeline.name(), pipeline.uid()),
        sink == null ? null : EventData.Dataset.of(sink));
  }

  /** Names what it sets: the data record has a dozen optional parts. */
  private static final class DataBuilder {
    private final EventData.Pipeline pipeline;
    private final EventData.Dataset dataset;
    private EventData.Run run;
    private EventData.Records records;
    private Long durationMillis;
    private String watermark;
    private TableCommit commit;
    private EventData.Failure failure;
    private Long generation;
    private EventData.Replicas replicas;
    private EventData.Halt halt;
    private String message;

    DataBuilder(EventData.Pipeline pipeline, EventData.Dataset dataset) {
      this.pipeline = pipeline;
      this.dataset = dataset;
    }

    DataBuilder run(WorkerPlan.Run r) {
      run = new EventData.Run(r.id(), r.attempt());
      return this;
    }

    DataBuilder counts(RunSummary s) {
      records =
          new EventData.Records(
              s.recordsRead(), s.recordsWritten(), s.recordsRejected(), s.recordsDropped());
      durationMillis = s.durationMillis();
      return this;
    }

    DataBuilder watermark(String v) {
      watermark = v;
      return this;
    }

    DataBuilder commit(TableCommit v) {
      commit = v;
      return this;
    }

    DataBuilder failure(EventData.Failure v) {
      failure = v;
      return this;
    }

    DataBuilder generation(long v) {
      generation = v;
      return this;
    }

    DataBuilder replicas(EventData.Replicas v) {
      replicas = v;
      return this;
    }

    DataBuilder halt(EventData.Halt v) {
      halt = v;
      return this;
    }

    DataBuilder message(String v) {
      message = v;
      return this;
    }

    EventData build() {
      return new EventData(
          pipeline,
          run,
          dataset,
          records,
          durationMillis,
          watermark,
          commit,
          failure,
          generation,
          replicas,
          halt,
          message);
    }
  }
}

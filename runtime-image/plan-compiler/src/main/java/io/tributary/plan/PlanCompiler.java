package io.tributary.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.Durations;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RecordPosition;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.plan.WorkerPlan.Kind;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.transform.InferTransform;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a pipeline definition and its context into the complete worker plan. The operator
 * renders exactly this plan and the worker runs exactly this plan, so every default lives here once
 * ({@link Defaults}) and every problem the worker would refuse at start-up is found here first,
 * with the same words ({@link #problems}).
 */
public final class PlanCompiler {
  private static final ObjectMapper JSON = PlanJson.mapper();

  /** Why a StreamJob feature-store sink is at-least-once, and the fix; the CRD says the same. */
  public static final String FEATURE_STORE_GUARANTEE =
      "exactly-once cannot hold with sink.featureStore: Redis writes cannot join the Kafka"
          + " transaction that commits the input offsets, so after a crash a worker writes again"
          + " the records since the last commit (idempotent overwrites of the same entities); set"
          + " guarantee: at-least-once";

  /** Why a DataPipeline cannot read MQTT, and the fix; the CRD says the same. */
  public static final String MQTT_IS_A_STREAM =
      "an MQTT subscription never ends, so it is a StreamJob's source: use a StreamJob, or read the"
          + " ingest topic a StreamJob fills with source.kafka";

  /**
   * Why a StreamJob's lake sink is an Iceberg table, and the fix; the CRD says the same. Only an
   * Iceberg commit can carry the consumed offsets with the data (one atomic append per commit
   * interval); parquet and jsonl datasets have no such commit.
   */
  public static final String STREAM_LAKE_FORMAT =
      "a StreamJob appends to Apache Iceberg tables only (each commit interval is one Iceberg"
          + " append that carries the Kafka offsets): set format: iceberg with sink.lake.iceberg, or"
          + " write parquet or jsonl files with a DataPipeline";

  private PlanCompiler() {}

  /**
   * The compiled plan, and what is wrong with it; a plan with problems must not run.
   *
   * @param events where the pipeline's events go, every default applied, or null for none. For a
   *     DataPipeline it is also the plan's ({@link WorkerPlan#events()}): the run's worker sends
   *     them. A StreamJob's are the operator's to send and stay out of its workers' plan, so
   *     changing where they go restarts no worker.
   */
  public record Result(WorkerPlan plan, List<PlanProblem> problems, EventsSpec events) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /** Compiles {@code definition} for {@code context}: every default applied, then checked. */
  public static Result compile(PipelineDefinition definition, PlanContext context) {
    List<PlanProblem> problems = new ArrayList<>(shape(definition));
    if (!problems.isEmpty()) return new Result(null, problems, null);
    WorkerPlan plan = withDefaults(resolve(definition, context));
    for (PlanProblem p : problems(plan)) {
      // Checking a DataPipeline's spec needs no run; starting one does.
      if (context.run() != null || !p.path().equals("run")) problems.add(p);
    }
    if (definition.kind() == Kind.DATA_PIPELINE && context.run() == null) {
      // With a run, the plan carries its parts and problems(plan) checked them.
      problems.addAll(
          PartsCheck.check(definition.parallelism(), definition.source(), definition.sink()));
    }
    EventsSpec events = plan.events();
    if (definition.kind() == Kind.STREAM_JOB) {
      events = eventsWithDefaults(definition.events(), definition.kind());
      problems.addAll(EventsCheck.check(events));
    }
    return new Result(plan, List.copyOf(problems), events);
  }

  /**
   * What the worker refuses in a plan, in the words it uses: values missing, settings that do not
   * fit the pipeline kind. The worker runs this at start-up; the operator runs it on every plan it
   * renders.
   */
  public static List<PlanProblem> problems(WorkerPlan plan) {
    List<PlanProblem> out = new ArrayList<>();
    if (plan.planVersion() != WorkerPlan.VERSION) {
      out.add(
          spec(
              "planVersion",
              plan.planVersion()
                  + " is not supported (this runtime reads "
                  + WorkerPlan.VERSION
                  + ")"));
      return out;
    }
    if (plan.kind() == null) {
      out.add(spec("kind", "missing; use StreamJob or DataPipeline"));
      return out;
    }
    if (plan.pipeline() == null) out.add(spec("pipeline", "missing (namespace, name, uid)"));
    if (plan.kind() == Kind.DATA_PIPELINE && plan.run() == null) {
      out.add(spec("run", "missing: a DataPipeline plan is compiled for one run (id, attempt)"));
    }
    for (String path : Defaults.missing(JSON.valueToTree(plan), plan.kind())) {
      out.add(
          spec(
              path,
              "missing: the plan compiler fills every default; was this plan written by hand or"
                  + " by another version of the operator?"));
    }
    List<PlanProblem> shape = shape(plan.kind(), plan.source(), plan.sink());
    out.addAll(shape);
    if (shape.isEmpty()
        && plan.sinkSchema() == null
        && SinkSchemas.of(plan.schema(), plan.transforms(), plan.sink()) != null) {
      // The writers take their columns from the plan only; they never work them out themselves.
      out.add(
          spec(
              "sinkSchema",
              "missing: the plan compiler computes the fields at the sink; was this plan written"
                  + " by hand or by another version of the operator?"));
    }
    if (plan.skipRecord() != null && RecordPosition.parse(plan.skipRecord()).isEmpty()) {
      out.add(
          spec(
              "skipRecord",
              "'"
                  + plan.skipRecord()
                  + "' is not topic/partition@offset: copy the position from the StreamJob's"
                  + " Halted condition into the tributary.io/skip-record annotation"));
    }
    consumerGroup(out, plan);
    if (plan.run() != null) {
      out.addAll(PartsCheck.check(plan.run().parts(), plan.source(), plan.sink()));
    }
    out.addAll(EventsCheck.check(plan.events()));
    duration(out, "commitInterval", plan.commitInterval());
    duration(out, "progressInterval", plan.progressInterval());
    // The steps are checked against a source and sink of the right kind only.
    if (shape.isEmpty()) {
      out.addAll(guarantee(plan));
      out.addAll(PlanCheck.check(plan.source(), plan.transforms(), plan.sink(), plan.schema()));
    }
    return out;
  }

  /**
   * A consumer group the author names stays inside the namespace's prefix; the transactional ids
   * (the group's, or {@link PlanNames#batchTransactionalId}) and the default group carry it by
   * construction.
   */
  private static void consumerGroup(List<PlanProblem> out, WorkerPlan plan) {
    KafkaSource in = plan.source() == null ? null : plan.source().kafka();
    if (plan.pipeline() == null || in == null || in.consumerGroup() == null) return;
    String prefix = PlanNames.namespacePrefix(plan.pipeline());
    String group = in.consumerGroup();
    if (group.startsWith(prefix) && group.length() > prefix.length()) return;
    out.add(
        new PlanProblem(
            "source.kafka.consumerGroup",
            "'"
                + group
                + "' is outside namespace "
                + plan.pipeline().namespace()
                + ": consumer groups here start with "
                + prefix
                + "; rename it "
                + prefix
                + "<name>, or leave consumerGroup out for "
                + PlanNames.pipeline(plan.pipeline()),
            PlanProblem.Kind.CONSUMER_GROUP_OUTSIDE_NAMESPACE));
  }

  /** The kind-level rules: which sources and sinks each engine has. */
  private static List<PlanProblem> shape(PipelineDefinition d) {
    List<PlanProblem> out = new ArrayList<>(shape(d.kind(), d.source(), d.sink()));
    if (out.isEmpty() && d.kind() == Kind.DATA_PIPELINE && deadLetterTopicHasNoBrokers(d)) {
      out.add(
          spec(
              "deadLetter.topic",
              "needs a Kafka source or sink (their brokers are used); set deadLetter.path"
                  + " instead"));
    }
    if (out.isEmpty() && deadLetterPathOnS3WithoutStore(d)) {
      out.add(
          spec(
              "deadLetter.path",
              "an s3:// dead-letter path uses the lake sink's store: it needs a lake sink on"
                  + " s3:// (sink.lake.s3); use a path on a mounted volume or deadLetter.topic"));
    }
    if (out.isEmpty()) {
      List<TransformSpec> steps = d.transforms();
      for (int i = 0; i < steps.size(); i++) {
        InferTransform infer = steps.get(i).infer();
        if (infer != null
            && infer.executionProvider() == InferTransform.ExecutionProvider.CUDA
            && !PipelineDefinition.NVIDIA_GPU.equals(d.accelerator())) {
          out.add(
              spec(
                  "transforms[" + i + "].infer.executionProvider",
                  "cuda needs a GPU: set spec.compute.accelerator (type "
                      + PipelineDefinition.NVIDIA_GPU
                      + ") and a pool that offers it, or use cpu"));
        }
        var consent = steps.get(i).consent();
        if (consent != null && consent.bootstrapServers() == null && d.source().kafka() == null) {
          out.add(
              spec(
                  "transforms[" + i + "].consent.bootstrapServers",
                  "required when the source is not Kafka: name the consent topic's brokers"));
        }
      }
    }
    return out;
  }

  private static List<PlanProblem> shape(Kind kind, SourceSpec source, SinkSpec sink) {
    List<PlanProblem> out = new ArrayList<>();
    if (source == null || source.kind().equals("none")) {
      out.add(spec("source", "missing: set exactly one source kind"));
    } else if (kind == Kind.DATA_PIPELINE && source.mqtt() != null) {
      out.add(spec("source.mqtt", MQTT_IS_A_STREAM));
    } else if (kind == Kind.STREAM_JOB && source.mqtt() != null && source.kafka() == null) {
      out.add(spec("source.mqtt", SourceSpec.MQTT_NEEDS_INGEST_TOPIC));
    } else if (kind == Kind.STREAM_JOB && source.kafka() == null) {
      out.add(
          spec(
              "source",
              "a StreamJob reads from Kafka: set source.kafka (bootstrapServers," + " topics)"));
    }
    if (sink == null || sink.kind().equals("none")) {
      out.add(spec("sink", "missing: set exactly one sink kind"));
    } else if (kind == Kind.STREAM_JOB
        && sink.kafka() == null
        && sink.featureStore() == null
        && sink.lake() == null) {
      out.add(
          spec(
              "sink",
              "a StreamJob writes to Kafka, to the feature store or to an Iceberg table: set"
                  + " sink.kafka (topic), sink.featureStore or sink.lake (format iceberg); sink."
                  + sink.kind()
                  + " is for DataPipelines"));
    } else if (kind == Kind.STREAM_JOB
        && sink.lake() != null
        && sink.lake().format() != FileFormat.ICEBERG) {
      out.add(spec("sink.lake.format", STREAM_LAKE_FORMAT));
    }
    return out;
  }

  /**
   * A StreamJob's guarantee is one its sink can keep: Redis writes cannot join the Kafka
   * transaction that commits the consumed offsets.
   */
  private static List<PlanProblem> guarantee(WorkerPlan plan) {
    if (plan.kind() == Kind.STREAM_JOB
        && plan.sink().featureStore() != null
        && plan.guarantee() == Guarantee.EXACTLY_ONCE) {
      return List.of(spec("guarantee", FEATURE_STORE_GUARANTEE));
    }
    if (plan.kind() == Kind.STREAM_JOB && plan.sink().lake() != null) {
      return statelessIntoTheLake(plan.transforms());
    }
    return List.of();
  }

  /**
   * A StreamJob into an Iceberg table keeps no dedupe or aggregate state yet: the state lives in a
   * Kafka changelog, which cannot commit with the Iceberg append that carries the offsets.
   */
  private static List<PlanProblem> statelessIntoTheLake(List<TransformSpec> steps) {
    List<PlanProblem> out = new ArrayList<>();
    for (int i = 0; steps != null && i < steps.size(); i++) {
      TransformSpec t = steps.get(i);
      String kind = t.dedupe() != null ? "dedupe" : t.aggregate() != null ? "aggregate" : null;
      if (kind != null) {
        out.add(
            spec(
                "transforms[" + i + "]." + kind,
                "a StreamJob with sink.lake runs stateless steps only (its state changelog cannot"
                    + " commit with the Iceberg append that carries the offsets); remove the "
                    + kind
                    + " step, or write to sink.kafka and load the topic into the table"));
      }
    }
    return out;
  }

  private static boolean deadLetterPathOnS3WithoutStore(PipelineDefinition d) {
    return d.deadLetter() != null
        && d.deadLetter().path() != null
        && d.deadLetter().path().startsWith("s3://")
        && (d.sink().lake() == null || d.sink().lake().s3() == null);
  }

  private static boolean deadLetterTopicHasNoBrokers(PipelineDefinition d) {
    return d.deadLetter() != null
        && d.deadLetter().topic() != null
        && d.sink().kafka() == null
        && d.source().kafka() == null;
  }

  /** The plan with the computed defaults: the ones that depend on the pipeline itself. */
  private static WorkerPlan resolve(PipelineDefinition d, PlanContext c) {
    KafkaSource in = d.source().kafka();
    SourceSpec source = d.source();
    if (in != null && in.consumerGroup() == null) {
      in = in.withConsumerGroup(PlanNames.pipeline(c.pipeline()));
      source = source.withKafka(in);
    }
    if (source.mqtt() != null && source.mqtt().shareGroup() == null && in != null) {
      source = source.withMqtt(source.mqtt().withShareGroup(in.consumerGroup()));
    }
    if (source.files() != null
        && source.files().format() == FileFormat.CSV
        && source.files().csv() == null) {
      // An empty dialect, so the CSV defaults have a place to land.
      source =
          SourceSpec.of(source.files().withCsv(FilesSource.Csv.unset())).inRegion(source.region());
    }
    List<TransformSpec> steps = transforms(d.transforms(), in, d.accelerator());
    return WorkerPlan.builder(d.kind())
        .pipeline(c.pipeline())
        .run(
            d.kind() == Kind.DATA_PIPELINE && c.run() != null
                ? c.run().withParts(d.parallelism())
                : null)
        .metricsPort(c.metricsPort())
        .source(source)
        .transforms(steps)
        .sink(d.sink())
        .schema(d.schema())
        .sinkSchema(SinkSchemas.of(d.schema(), steps, d.sink()))
        .deadLetter(deadLetters(d))
        .guarantee(d.guarantee())
        .commitInterval(d.commitInterval())
        .threads(d.kind() == Kind.STREAM_JOB ? d.parallelism() : null)
        .lineage(c.lineage())
        .skipRecord(d.kind() == Kind.STREAM_JOB ? c.skipRecord() : null)
        .events(d.kind() == Kind.DATA_PIPELINE ? d.events() : null)
        .build();
  }

  /**
   * Steps with their names, consent steps with their brokers, infer steps with their execution
   * provider: CUDA where the workers get an NVIDIA GPU, CPU elsewhere.
   */
  private static List<TransformSpec> transforms(
      List<TransformSpec> steps, KafkaSource in, String accelerator) {
    List<TransformSpec> out = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      TransformSpec t = steps.get(i);
      var consent = t.consent();
      if (consent != null && consent.bootstrapServers() == null && in != null) {
        consent =
            new io.tributary.pipeline.transform.ConsentTransform(
                consent.purpose(), consent.subjectField(), consent.topic(), in.bootstrapServers());
      }
      InferTransform infer = t.infer();
      if (infer != null && infer.model() != null && infer.executionProvider() == null) {
        infer =
            infer.withExecutionProvider(
                PipelineDefinition.NVIDIA_GPU.equals(accelerator)
                    ? InferTransform.ExecutionProvider.CUDA
                    : InferTransform.ExecutionProvider.CPU);
      }
      out.add(
          new TransformSpec(
              t.stepName(i),
              t.validate(),
              t.filter(),
              t.map(),
              t.derive(),
              t.normalize(),
              t.dedupe(),
              t.mask(),
              consent,
              t.aggregate(),
              infer,
              t.transformSet()));
    }
    return out;
  }

  private static WorkerPlan.DeadLetters deadLetters(PipelineDefinition d) {
    DeadLetterSpec spec = d.deadLetter();
    String topic = spec == null ? null : spec.topic();
    String path = spec == null ? null : spec.path();
    Double ratio = spec == null ? null : spec.maxRejectedRatio();
    if (d.kind() == Kind.STREAM_JOB) {
      if (topic == null) topic = d.source().kafka().topics().get(0) + ".dlq";
      // Dead letters go out in the output transaction, so they live on the sink's cluster; with
      // a feature-store sink, on the source's cluster.
      String brokers =
          d.sink().kafka() != null
              ? d.sink().kafka().bootstrapServers()
              : d.source().kafka().bootstrapServers();
      return new WorkerPlan.DeadLetters(topic, brokers, null, null);
    }
    String brokers = null;
    if (topic != null) {
      brokers =
          d.sink().kafka() != null
              ? d.sink().kafka().bootstrapServers()
              : d.source().kafka().bootstrapServers();
    } else if (path == null && d.sink().lake() != null) {
      path = d.sink().lake().path() + "/_rejected";
    }
    return new WorkerPlan.DeadLetters(topic, brokers, path, ratio);
  }

  /** The fixed defaults of the table, applied through the plan's JSON form. */
  private static WorkerPlan withDefaults(WorkerPlan plan) {
    ObjectNode tree = JSON.valueToTree(plan);
    Defaults.apply(tree, plan.kind());
    try {
      return JSON.treeToValue(tree, WorkerPlan.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a default does not fit the plan: " + e.getMessage(), e);
    }
  }

  /** A StreamJob's events destination with the defaults of the table, outside any plan. */
  private static EventsSpec eventsWithDefaults(EventsSpec events, Kind kind) {
    if (events == null) return null;
    ObjectNode tree = JSON.createObjectNode();
    tree.set("events", JSON.valueToTree(events));
    Defaults.apply(tree, kind);
    try {
      return JSON.treeToValue(tree.get("events"), EventsSpec.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a default does not fit events: " + e.getMessage(), e);
    }
  }

  private static void duration(List<PlanProblem> out, String path, String text) {
    if (text == null) return;
    try {
      Durations.parse(text);
    } catch (IllegalArgumentException e) {
      out.add(spec(path, e.getMessage()));
    }
  }

  private static PlanProblem spec(String path, String message) {
    return PlanProblem.spec(path, message);
  }
}

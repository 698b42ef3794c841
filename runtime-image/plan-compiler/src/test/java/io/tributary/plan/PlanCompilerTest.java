package io.tributary.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.Guarantee;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.FeatureStoreSink;
import io.tributary.pipeline.sink.IcebergTable;
import io.tributary.pipeline.sink.JdbcSink;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.pipeline.source.JdbcSource;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.transform.ConsentTransform;
import io.tributary.pipeline.transform.ValidateTransform;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanCompilerTest {
  private static final KafkaSource IN =
      KafkaSource.of("kafka:9092", List.of("payments.tx", "payments.refunds"));
  private static final SourceSpec KAFKA_IN = SourceSpec.of(IN);
  private static final SinkSpec KAFKA_OUT = SinkSpec.of(KafkaSink.of("kafka:9092", "payments.out"));
  private static final SinkSpec LAKE =
      SinkSpec.of(new LakeSink("/lake/tx", FileFormat.PARQUET, null));
  private static final SinkSpec ICEBERG =
      SinkSpec.of(
          LakeSink.iceberg(
              "/lake/warehouse",
              new IcebergTable(
                  "analytics.clicks", IcebergTable.Catalog.of("jdbc:postgresql://catalog/ice")),
              null));
  private static final SinkSpec FEATURES =
      SinkSpec.of(
          new FeatureStoreSink(
              "redis:6379", null, null, "customer_features", List.of("customer_id"), null, null));
  private static final PlanContext CONTEXT =
      PlanContext.of("payments", "fraud", "u-1").withMetricsPort(9404);

  private static WorkerPlan stream(PipelineDefinition.Builder d) {
    PlanCompiler.Result r = PlanCompiler.compile(d.build(), CONTEXT);
    assertThat(r.problems()).isEmpty();
    return r.plan();
  }

  @Test
  void aStreamJobGetsEveryDefaultOnce() {
    WorkerPlan plan =
        stream(
            PipelineDefinition.stream()
                .source(KAFKA_IN)
                .sink(KAFKA_OUT)
                .transforms(List.of(Specs.validate(), Specs.filter("true")))
                .schema(Specs.schema("amount:number")));
    assertThat(plan.kind()).isEqualTo(WorkerPlan.Kind.STREAM_JOB);
    assertThat(plan.guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE);
    assertThat(plan.commitInterval()).isEqualTo("1s");
    assertThat(plan.threads()).isEqualTo(1);
    assertThat(plan.progressInterval()).isNull();
    assertThat(plan.run()).isNull();
    assertThat(plan.metricsPort()).isEqualTo(9404);
    assertThat(plan.source().kafka().consumerGroup()).isEqualTo("tributary-payments-fraud");
    assertThat(plan.source().kafka().startingOffsets())
        .isEqualTo(KafkaSource.StartingOffsets.EARLIEST);
    assertThat(plan.deadLetter())
        .isEqualTo(new WorkerPlan.DeadLetters("payments.tx.dlq", "kafka:9092", null, null));
    assertThat(plan.transforms())
        .extracting(t -> t.name())
        .containsExactly("validate-0", "filter-1");
    assertThat(plan.transforms().get(0).validate().onInvalid())
        .isEqualTo(ValidateTransform.OnInvalid.DEAD_LETTER);
  }

  @Test
  void whatTheSpecSaysWinsOverEveryDefault() {
    WorkerPlan plan =
        stream(
            PipelineDefinition.stream()
                .source(
                    SourceSpec.of(
                        KafkaSource.of("kafka:9092", List.of("in"))
                            .withConsumerGroup("tributary-payments-my-group")
                            .withStartingOffsets(KafkaSource.StartingOffsets.LATEST)))
                .sink(KAFKA_OUT)
                .deadLetter(new DeadLetterSpec("rejects", null, null))
                .guarantee(Guarantee.AT_LEAST_ONCE)
                .commitInterval("250ms")
                .parallelism(4));
    assertThat(plan.source().kafka().consumerGroup()).isEqualTo("tributary-payments-my-group");
    assertThat(plan.source().kafka().startingOffsets())
        .isEqualTo(KafkaSource.StartingOffsets.LATEST);
    assertThat(plan.deadLetter().topic()).isEqualTo("rejects");
    assertThat(plan.guarantee()).isEqualTo(Guarantee.AT_LEAST_ONCE);
    assertThat(plan.commitInterval()).isEqualTo("250ms");
    assertThat(plan.threads()).isEqualTo(4);
  }

  @Test
  void aDataPipelineRunCarriesItsRunAndTheBatchDefaults() {
    JdbcSource jdbc = JdbcSource.table("jdbc:postgresql://db/crm", "customers");
    PlanCompiler.Result r =
        PlanCompiler.compile(
            PipelineDefinition.batch().source(SourceSpec.of(jdbc)).sink(LAKE).build(),
            CONTEXT.withRun("s202611300200", 2, "2026-11-29T02:00:00Z"));
    assertThat(r.problems()).isEmpty();
    WorkerPlan plan = r.plan();
    assertThat(plan.run())
        .isEqualTo(new WorkerPlan.Run("s202611300200", 2, "2026-11-29T02:00:00Z"));
    assertThat(plan.progressInterval()).isEqualTo("10s");
    assertThat(plan.guarantee()).isNull();
    assertThat(plan.threads()).isNull();
    assertThat(plan.source().jdbc().partitions()).isEqualTo(1);
    assertThat(plan.source().jdbc().fetchSize()).isEqualTo(10_000);
    assertThat(plan.deadLetter())
        .isEqualTo(new WorkerPlan.DeadLetters(null, null, "/lake/tx/_rejected", 0.01));
  }

  @Test
  void csvDefaultsLandEvenWithoutACsvBlock() {
    PlanCompiler.Result r =
        PlanCompiler.compile(
            PipelineDefinition.batch()
                .source(SourceSpec.of(new FilesSource("/in/*.csv", FileFormat.CSV, null)))
                .sink(LAKE)
                .build(),
            CONTEXT.withRun("r", 1, null));
    FilesSource.Csv csv = r.plan().source().files().csv();
    assertThat(csv).isEqualTo(new FilesSource.Csv(true, ",", "\""));
  }

  @Test
  void batchDeadLettersToATopicUseTheSinksBrokersElseTheSources() {
    PipelineDefinition.Builder d =
        PipelineDefinition.batch()
            .source(KAFKA_IN)
            .sink(SinkSpec.of(JdbcSink.of("jdbc:postgresql://db/x", "t")))
            .deadLetter(new DeadLetterSpec("rejects", null, null));
    WorkerPlan plan = PlanCompiler.compile(d.build(), CONTEXT.withRun("r", 1, null)).plan();
    assertThat(plan.deadLetter().bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(plan.deadLetter().path()).isNull();
    assertThat(plan.sink().jdbc().mode()).isEqualTo(JdbcSink.Mode.APPEND);
    assertThat(plan.sink().jdbc().batchSize()).isEqualTo(1000);

    PlanCompiler.Result nowhere =
        PlanCompiler.compile(
            PipelineDefinition.batch()
                .source(SourceSpec.of(new FilesSource("/in/*.jsonl", FileFormat.JSONL, null)))
                .sink(LAKE)
                .deadLetter(new DeadLetterSpec("rejects", null, null))
                .build(),
            CONTEXT.withRun("r", 1, null));
    assertThat(nowhere.problems())
        .extracting(PlanProblem::toString)
        .containsExactly(
            "deadLetter.topic: needs a Kafka source or sink (their brokers are used); set"
                + " deadLetter.path instead");
  }

  @Test
  void consentReadsTheSourceClusterUnlessItNamesOne() {
    var consent = steps(new ConsentTransform("marketing", "customer_id", "consents", null));
    WorkerPlan plan =
        stream(PipelineDefinition.stream().source(KAFKA_IN).sink(KAFKA_OUT).transforms(consent));
    assertThat(plan.transforms().get(0).consent().bootstrapServers()).isEqualTo("kafka:9092");

    PlanCompiler.Result noKafka =
        PlanCompiler.compile(
            PipelineDefinition.batch()
                .source(SourceSpec.of(new FilesSource("/in/*.jsonl", FileFormat.JSONL, null)))
                .sink(LAKE)
                .transforms(consent)
                .build(),
            CONTEXT.withRun("r", 1, null));
    assertThat(noKafka.problems())
        .extracting(PlanProblem::path)
        .containsExactly("transforms[0].consent.bootstrapServers");
  }

  @Test
  void aStreamJobRefusesWhatItsWorkerCannotRun() {
    PlanCompiler.Result r =
        PlanCompiler.compile(
            PipelineDefinition.stream()
                .source(KAFKA_IN)
                .sink(SinkSpec.of(JdbcSink.of("jdbc:postgresql://db/x", "t")))
                .build(),
            CONTEXT);
    assertThat(r.plan()).isNull();
    assertThat(r.problems())
        .extracting(PlanProblem::toString)
        .containsExactly(
            "sink: a StreamJob writes to Kafka, to the feature store or to an Iceberg table: set"
                + " sink.kafka (topic), sink.featureStore or sink.lake (format iceberg); sink.jdbc"
                + " is for DataPipelines");
  }

  @Test
  void aStreamJobWritesNoParquetOrJsonlFiles() {
    for (FileFormat format : new FileFormat[] {FileFormat.PARQUET, FileFormat.JSONL}) {
      PlanCompiler.Result r =
          PlanCompiler.compile(
              PipelineDefinition.stream()
                  .source(KAFKA_IN)
                  .sink(SinkSpec.of(new LakeSink("/lake/tx", format, null)))
                  .build(),
              CONTEXT);
      assertThat(r.problems())
          .as("format %s", format)
          .extracting(PlanProblem::toString)
          .containsExactly(
              "sink.lake.format: a StreamJob appends to Apache Iceberg tables only (each commit"
                  + " interval is one Iceberg append that carries the Kafka offsets): set format:"
                  + " iceberg with sink.lake.iceberg, or write parquet or jsonl files with a"
                  + " DataPipeline");
    }
  }

  @Test
  void aStreamJobAppendsToAnIcebergTableWithDeadLettersOnTheSourceCluster() {
    WorkerPlan plan =
        stream(
            PipelineDefinition.stream()
                .source(SourceSpec.of(KafkaSource.of("source-kafka:9092", List.of("clicks"))))
                .sink(ICEBERG)
                .schema(Specs.schema("id:integer", "day:string")));
    assertThat(plan.guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE);
    assertThat(plan.commitInterval()).isEqualTo("1s");
    assertThat(plan.sink().lake().iceberg().catalog().name()).isEqualTo("tributary");
    assertThat(plan.deadLetter())
        .isEqualTo(new WorkerPlan.DeadLetters("clicks.dlq", "source-kafka:9092", null, null));
  }

  @Test
  void aStreamJobIntoAnIcebergTableRunsStatelessStepsOnly() {
    PlanCompiler.Result r =
        PlanCompiler.compile(
            PipelineDefinition.stream()
                .source(KAFKA_IN)
                .sink(ICEBERG)
                .schema(Specs.schema("id:integer", "sum:number", "n:integer"))
                .transforms(List.of(Specs.filter("true"), Specs.aggregate("id", "amount")))
                .build(),
            CONTEXT);
    assertThat(r.problems())
        .extracting(PlanProblem::toString)
        .containsExactly(
            "transforms[1].aggregate: a StreamJob with sink.lake runs stateless steps only (its"
                + " state changelog cannot commit with the Iceberg append that carries the"
                + " offsets); remove the aggregate step, or write to sink.kafka and load the topic"
                + " into the table");
  }

  @Test
  void aStreamJobFeatureStoreSinkIsAtLeastOnceWithDeadLettersOnTheSourceCluster() {
    WorkerPlan plan =
        stream(
            PipelineDefinition.stream()
                .source(SourceSpec.of(KafkaSource.of("source-kafka:9092", List.of("clicks"))))
                .sink(FEATURES)
                .guarantee(Guarantee.AT_LEAST_ONCE));
    assertThat(plan.guarantee()).isEqualTo(Guarantee.AT_LEAST_ONCE);
    assertThat(plan.sink().featureStore().database()).isZero();
    assertThat(plan.deadLetter())
        .isEqualTo(new WorkerPlan.DeadLetters("clicks.dlq", "source-kafka:9092", null, null));
  }

  @Test
  void aStreamJobFeatureStoreSinkRefusesExactlyOnceSaidOrDefaulted() {
    for (Guarantee g : new Guarantee[] {Guarantee.EXACTLY_ONCE, null}) {
      PlanCompiler.Result r =
          PlanCompiler.compile(
              PipelineDefinition.stream().source(KAFKA_IN).sink(FEATURES).guarantee(g).build(),
              CONTEXT);
      assertThat(r.problems())
          .as("guarantee %s", g)
          .extracting(PlanProblem::toString)
          .containsExactly(
              "guarantee: exactly-once cannot hold with sink.featureStore: Redis writes cannot"
                  + " join the Kafka transaction that commits the input offsets, so after a crash"
                  + " a worker writes again the records since the last commit (idempotent"
                  + " overwrites of the same entities); set guarantee: at-least-once");
    }
  }

  @Test
  void aBadDurationAndABadExpressionAreProblemsWithTheirPaths() {
    PlanCompiler.Result r =
        PlanCompiler.compile(
            PipelineDefinition.stream()
                .source(KAFKA_IN)
                .sink(KAFKA_OUT)
                .commitInterval("soon")
                .transforms(List.of(Specs.filter("amount >")))
                .build(),
            CONTEXT);
    assertThat(r.problems())
        .extracting(PlanProblem::path)
        .containsExactly("commitInterval", "transforms[0].filter.expression");
    assertThat(r.problems().get(0).message()).startsWith("'soon' is not a duration");
    assertThat(r.problems().get(1).kind()).isEqualTo(PlanProblem.Kind.INVALID_EXPRESSION);
  }

  @Test
  void aCompiledPlanIsCompleteAndTheCheckFindsEveryHole() {
    WorkerPlan plan =
        stream(
            PipelineDefinition.stream()
                .source(KAFKA_IN)
                .sink(KAFKA_OUT)
                .transforms(List.of(Specs.validate()))
                .schema(Specs.schema("amount:number")));
    assertThat(PlanCompiler.problems(plan)).isEmpty();

    ObjectNode holes = PlanJson.mapper().valueToTree(plan);
    holes.remove("commitInterval");
    ((ObjectNode) holes.get("source").get("kafka")).remove("consumerGroup");
    ((ObjectNode) holes.withArray("transforms").get(0)).remove("name");
    assertThat(Defaults.missing(holes, WorkerPlan.Kind.STREAM_JOB))
        .containsExactlyInAnyOrder(
            "commitInterval", "source.kafka.consumerGroup", "transforms[0].name");
  }

  @Test
  void aDataPipelinePlanWithoutARunIsOnlyGoodForChecking() {
    PipelineDefinition d = PipelineDefinition.batch().source(KAFKA_IN).sink(LAKE).build();
    PlanCompiler.Result check = PlanCompiler.compile(d, CONTEXT);
    assertThat(check.problems()).isEmpty();
    assertThat(PlanCompiler.problems(check.plan()))
        .extracting(PlanProblem::path)
        .containsExactly("run");
  }

  @Test
  void compilingIsDeterministicAcrossEquivalentInputs() {
    // The same spec reached two ways: defaults written out by hand, or left to the compiler.
    WorkerPlan implicit = stream(PipelineDefinition.stream().source(KAFKA_IN).sink(KAFKA_OUT));
    WorkerPlan explicit =
        stream(
            PipelineDefinition.stream()
                .source(
                    SourceSpec.of(
                        KafkaSource.of(IN.bootstrapServers(), IN.topics())
                            .withConsumerGroup("tributary-payments-fraud")
                            .withStartingOffsets(KafkaSource.StartingOffsets.EARLIEST)))
                .sink(KAFKA_OUT)
                .guarantee(Guarantee.EXACTLY_ONCE)
                .commitInterval("1s")
                .parallelism(1)
                .deadLetter(new DeadLetterSpec("payments.tx.dlq", null, null)));
    assertThat(PlanJson.write(explicit)).isEqualTo(PlanJson.write(implicit));
  }

  @Test
  void aRunCarriesItsEventsDestinationWithTheDefaults() {
    PlanCompiler.Result r =
        PlanCompiler.compile(
            PipelineDefinition.batch()
                .source(KAFKA_IN)
                .sink(LAKE)
                .events(EventsSpec.http("http://receiver.argo-events:12000/fresh"))
                .build(),
            CONTEXT.withRun("r-1", 1, null));
    assertThat(r.problems()).isEmpty();
    EventsSpec expected =
        new EventsSpec(
            null, new EventsSpec.Http("http://receiver.argo-events:12000/fresh", "5s", 3));
    assertThat(r.plan().events()).isEqualTo(expected);
    assertThat(r.events()).isEqualTo(expected);
  }

  @Test
  void aStreamJobsEventsAreTheOperatorsAndStayOutOfTheWorkersPlan() {
    PlanCompiler.Result r =
        PlanCompiler.compile(
            PipelineDefinition.stream()
                .source(KAFKA_IN)
                .sink(KAFKA_OUT)
                .events(new EventsSpec(null, new EventsSpec.Http("https://h/x", "2s", null)))
                .build(),
            CONTEXT);
    assertThat(r.problems()).isEmpty();
    assertThat(r.plan().events()).isNull();
    assertThat(r.events())
        .isEqualTo(new EventsSpec(null, new EventsSpec.Http("https://h/x", "2s", 3)));
  }

  @Test
  void anEventsDestinationIsCheckedOnBothSidesInTheSameWords() {
    PlanCompiler.Result r =
        PlanCompiler.compile(
            PipelineDefinition.batch()
                .source(KAFKA_IN)
                .sink(LAKE)
                .events(
                    new EventsSpec(null, new EventsSpec.Http("receiver:12000/fresh", "soon", 11)))
                .build(),
            CONTEXT.withRun("r-1", 1, null));
    assertThat(r.problems())
        .extracting(PlanProblem::toString)
        .containsExactly(
            "events.http.url: 'receiver:12000/fresh' is not an absolute http or https URL with a"
                + " host, e.g. http://webhook-eventsource-svc.argo-events:12000/fresh-data",
            "events.http.timeout: 'soon' is not a duration: use e.g. 250ms, 30s, 5m, 1h30m or 7d",
            "events.http.maxAttempts: 11 is outside 1..10: set how many times one event is"
                + " tried");
    // The worker runs the same check on the plan it is given.
    assertThat(PlanCompiler.problems(r.plan())).containsExactlyElementsOf(r.problems());
    PlanCompiler.Result both =
        PlanCompiler.compile(
            PipelineDefinition.stream()
                .source(KAFKA_IN)
                .sink(KAFKA_OUT)
                .events(
                    new EventsSpec(
                        new EventsSpec.Kafka("k:9092", "events"),
                        EventsSpec.http("http://h").http()))
                .build(),
            CONTEXT);
    assertThat(both.problems())
        .extracting(PlanProblem::toString)
        .containsExactly("events: set exactly one of kafka or http");
  }

  private static List<io.tributary.pipeline.TransformSpec> steps(ConsentTransform c) {
    return List.of(io.tributary.pipeline.TransformSpec.of(c));
  }
}

package io.tributary.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.JdbcSink;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.pipeline.source.JdbcSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A DataPipeline run split across pods: what the plan says, and what the compiler refuses. */
class PartsCheckTest {
  private static final PlanContext CONTEXT =
      PlanContext.of("crm", "customers-to-lake", "u-1").withMetricsPort(9404);
  private static final SourceSpec CUSTOMERS =
      SourceSpec.of(
          JdbcSource.table("jdbc:postgresql://db/crm", "customers").withPartitionColumn("id"));
  private static final SinkSpec PARQUET =
      SinkSpec.of(new LakeSink("/lake/customers", FileFormat.PARQUET, null));

  private static PlanCompiler.Result compile(
      SourceSpec source, SinkSpec sink, Integer parallelism, boolean withRun) {
    PlanContext context = withRun ? CONTEXT.withRun("r1", 1, null) : CONTEXT;
    return PlanCompiler.compile(
        PipelineDefinition.batch().source(source).sink(sink).parallelism(parallelism).build(),
        context);
  }

  private static List<String> problems(SourceSpec source, SinkSpec sink, Integer parallelism) {
    List<String> withoutRun =
        compile(source, sink, parallelism, false).problems().stream()
            .map(PlanProblem::toString)
            .toList();
    List<String> withRun =
        compile(source, sink, parallelism, true).problems().stream()
            .map(PlanProblem::toString)
            .toList();
    // The operator checks the spec without a run and renders each run's plan with one; the worker
    // checks that plan again: all three must say the same.
    assertThat(withRun).isEqualTo(withoutRun);
    return withRun;
  }

  @Test
  void aRunOfParallelismThreeCarriesThreePartsInItsPlan() {
    PlanCompiler.Result r = compile(CUSTOMERS, PARQUET, 3, true);
    assertThat(r.problems()).isEmpty();
    assertThat(r.plan().run()).isEqualTo(new WorkerPlan.Run("r1", 1, null, 3));
    assertThat(r.plan().run().parted()).isTrue();
    assertThat(r.plan().threads()).isNull();
    assertThat(PlanCompiler.problems(r.plan())).isEmpty();
  }

  @Test
  void parallelismOneOrUnsetIsARunInOnePod() {
    assertThat(compile(CUSTOMERS, PARQUET, 1, true).plan().run())
        .isEqualTo(new WorkerPlan.Run("r1", 1, null));
    assertThat(compile(CUSTOMERS, PARQUET, null, true).plan().run().parted()).isFalse();
    // and with one pod, any source and sink stays allowed
    SourceSpec files = SourceSpec.of(new FilesSource("/in", FileFormat.JSONL, null));
    assertThat(problems(files, SinkSpec.of(JdbcSink.of("jdbc:postgresql://db/x", "t")), 1))
        .isEmpty();
  }

  @Test
  void aSourceThatCannotBeSplitIsRefusedNamingTheFieldAndTheFix() {
    SourceSpec files = SourceSpec.of(new FilesSource("/in", FileFormat.JSONL, null));
    assertThat(problems(files, PARQUET, 3))
        .containsExactly(
            "compute.parallelism: a run splits across pods only from a jdbc source (with"
                + " partitionColumn); this source is files: remove compute.parallelism");
    SourceSpec noColumn = SourceSpec.of(JdbcSource.table("jdbc:postgresql://db/crm", "customers"));
    assertThat(problems(noColumn, PARQUET, 3))
        .singleElement()
        .asString()
        .contains("needs source.jdbc.partitionColumn, an integer column");
    SourceSpec incremental =
        SourceSpec.of(
            JdbcSource.table("jdbc:postgresql://db/crm", "customers")
                .withPartitionColumn("id")
                .withIncremental(new JdbcSource.Incremental("updated_at", null)));
    assertThat(problems(incremental, PARQUET, 3))
        .singleElement()
        .asString()
        .contains("source.jdbc.incremental cannot be split across pods yet");
  }

  @Test
  void aSinkThatCannotPublishPartsAtOnceIsRefused() {
    assertThat(problems(CUSTOMERS, SinkSpec.of(JdbcSink.of("jdbc:postgresql://db/x", "t")), 3))
        .singleElement()
        .asString()
        .startsWith("compute.parallelism: a run split across pods publishes its parts with one")
        .contains("must be sink.lake with format parquet or jsonl");
    SinkSpec jsonl = SinkSpec.of(new LakeSink("/lake/customers", FileFormat.JSONL, null));
    assertThat(problems(CUSTOMERS, jsonl, 2)).isEmpty();
  }
}

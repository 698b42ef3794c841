package io.tributary.runtime.batch;

import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.plan.PlanNames;
import io.tributary.runtime.batch.sink.FeatureStoreWriter;
import io.tributary.runtime.batch.sink.IcebergWriter;
import io.tributary.runtime.batch.sink.JdbcWriter;
import io.tributary.runtime.batch.sink.KafkaWriter;
import io.tributary.runtime.batch.sink.LakeWriter;
import io.tributary.runtime.batch.source.KafkaReader;

/** Opens the plan's sink. */
final class Sinks {
  private Sinks() {}

  static RecordSink open(WorkerPlan plan, SecretFiles secrets, String runId, RecordSource source)
      throws Exception {
    return open(plan, secrets, runId, source, null);
  }

  /**
   * The sink of the whole run, or with {@code part} set, the one that stages that part of a run
   * split into parts (a lake of files only: the plan compiler refuses the others).
   */
  static RecordSink open(
      WorkerPlan plan, SecretFiles secrets, String runId, RecordSource source, Integer part)
      throws Exception {
    SinkSpec s = plan.sink();
    if (part != null) {
      if (s.lake() == null || s.lake().format() == FileFormat.ICEBERG) {
        throw RunFailure.invalidPlan(
            "compute.parallelism: only a lake of parquet or jsonl files takes parts");
      }
      return LakeWriter.open(s.lake(), plan.sinkSchema(), plan.run(), secrets, part);
    }
    return switch (s.kind()) {
      case "lake" ->
          s.lake().format() == FileFormat.ICEBERG
              ? new IcebergWriter(s.lake(), plan.sinkSchema(), plan.run(), secrets)
              : LakeWriter.open(s.lake(), plan.sinkSchema(), runId, secrets);
      case "jdbc" -> new JdbcWriter(s.jdbc(), secrets);
      case "kafka" ->
          new KafkaWriter(
              s.kafka(),
              secrets,
              transactionalId(plan),
              source instanceof KafkaReader k ? k : null);
      case "featureStore" -> new FeatureStoreWriter(s.featureStore(), plan.sinkSchema(), secrets);
      default ->
          throw RunFailure.invalidPlan(
              "sink: set exactly one of lake, jdbc, kafka or featureStore");
    };
  }

  static String transactionalId(WorkerPlan plan) {
    return PlanNames.batchTransactionalId(plan.pipeline());
  }
}

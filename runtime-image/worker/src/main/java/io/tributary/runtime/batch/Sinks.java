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
    SinkSpec s = plan.sink();
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

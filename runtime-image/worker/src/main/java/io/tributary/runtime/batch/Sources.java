package io.tributary.runtime.batch;

import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.batch.source.FilesReader;
import io.tributary.runtime.batch.source.HttpReader;
import io.tributary.runtime.batch.source.JdbcReader;
import io.tributary.runtime.batch.source.KafkaReader;

/** Opens the plan's source. */
final class Sources {
  private Sources() {}

  static RecordSource open(WorkerPlan plan, SecretFiles secrets, String watermark) {
    SourceSpec s = plan.source();
    return switch (s.kind()) {
      case "jdbc" -> new JdbcReader(s.jdbc(), secrets, watermark);
      case "files" -> FilesReader.open(s.files(), plan.schema(), secrets);
      case "http" -> new HttpReader(s.http(), secrets);
      case "kafka" -> new KafkaReader(s.kafka(), secrets);
      default ->
          throw RunFailure.invalidPlan("source: set exactly one of jdbc, files, http or kafka");
    };
  }
}

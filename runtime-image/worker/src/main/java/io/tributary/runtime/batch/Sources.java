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
    return open(plan, secrets, watermark, null);
  }

  /**
   * The source of the whole run, or with {@code part} set, of that part of a run split into parts
   * (a jdbc source only: the plan compiler refuses the others).
   */
  static RecordSource open(
      WorkerPlan plan, SecretFiles secrets, String watermark, JdbcReader.Part part) {
    SourceSpec s = plan.source();
    if (part != null && !"jdbc".equals(s.kind())) {
      throw RunFailure.invalidPlan(
          "compute.parallelism: only a jdbc source is split across pods, not " + s.kind());
    }
    return switch (s.kind()) {
      case "jdbc" -> new JdbcReader(s.jdbc(), secrets, watermark, part);
      case "files" -> FilesReader.open(s.files(), plan.schema(), secrets);
      case "http" -> new HttpReader(s.http(), secrets);
      case "kafka" -> new KafkaReader(s.kafka(), secrets);
      default ->
          throw RunFailure.invalidPlan("source: set exactly one of jdbc, files, http or kafka");
    };
  }
}

package io.tributary.runtime.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.plan.PipelineDefinition;
import io.tributary.plan.PlanCompiler;
import io.tributary.plan.PlanContext;
import io.tributary.runtime.TerminationMessage;
import io.tributary.runtime.batch.source.ParquetRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Plans and helpers for batch tests. */
final class BatchPlans {
  static final ObjectMapper JSON = new ObjectMapper();

  SourceSpec source;
  List<TransformSpec> transforms = List.of();
  SinkSpec sink;
  SchemaSpec schema;
  DeadLetterSpec deadLetter;
  String runId = "run-1";
  String watermark;
  String secretsDir;
  WorkerPlan.LineageConfig lineage;
  EventsSpec events;

  /** spec.compute.parallelism: above 1 the run is split into that many parts. */
  Integer parallelism;

  /** The plan of this run, compiled as the operator compiles it. */
  WorkerPlan build() {
    PlanCompiler.Result r =
        PlanCompiler.compile(
            PipelineDefinition.batch()
                .source(source)
                .transforms(transforms)
                .sink(sink)
                .schema(schema)
                .deadLetter(deadLetter)
                .events(events)
                .parallelism(parallelism)
                .build(),
            PlanContext.of("team-a", "orders-daily", "uid-1")
                .withMetricsPort(0) // an ephemeral port: tests run side by side
                .withLineage(lineage)
                .withRun(runId, 1, watermark));
    if (!r.ok()) throw new IllegalArgumentException("not a runnable plan: " + r.problems());
    WorkerPlan plan = r.plan();
    return secretsDir == null ? plan : plan.toBuilder().secretsDir(secretsDir).build();
  }

  static SourceSpec files(Path path, FileFormat format) {
    return SourceSpec.of(new FilesSource(path.toString(), format, null));
  }

  static SinkSpec lake(Path path, FileFormat format, String... partitionBy) {
    return SinkSpec.of(
        new LakeSink(
            path.toString(), format, partitionBy.length == 0 ? null : List.of(partitionBy)));
  }

  static SchemaSpec.Field field(String name, SchemaSpec.Type type) {
    return SchemaSpec.Field.of(name, type);
  }

  /** The outcome of one run: exit code and the termination message. */
  record Outcome(int exitCode, RunSummary summary) {}

  /** Runs this plan in this JVM, as the container would, with the summary written into dir. */
  Outcome run(Path dir) throws IOException {
    return run(build(), dir);
  }

  static Outcome run(WorkerPlan plan, Path dir) throws IOException {
    return run(plan, dir, null);
  }

  /**
   * Runs index {@code part} of a run split into parts in this JVM, as that index's pod would (the
   * last index commits).
   */
  static Outcome run(WorkerPlan plan, Path dir, Integer part) throws IOException {
    Path log = dir.resolve("termination-" + System.nanoTime());
    int code = new BatchWorker(plan, log, part).run();
    String json = Files.readString(log);
    if (json.getBytes().length > TerminationMessage.MAX_BYTES) {
      throw new AssertionError("termination message over 4 KiB");
    }
    return new Outcome(code, PlanJson.readSummary(json));
  }

  /**
   * Every record in the visible (committed) data files of a lake dataset, partitions added back.
   */
  static List<ObjectNode> lakeRecords(Path dataset) throws Exception {
    List<ObjectNode> out = new ArrayList<>();
    for (Path f : dataFiles(dataset)) {
      List<ObjectNode> rows = new ArrayList<>();
      if (f.toString().endsWith(".parquet")) {
        ParquetRecords.read(f, rows::add);
      } else {
        for (String line : Files.readAllLines(f)) {
          rows.add((ObjectNode) JSON.readTree(line));
        }
      }
      Path rel = dataset.relativize(f.getParent());
      for (ObjectNode r : rows) {
        for (Path part : rel) {
          String[] kv = part.toString().split("=", 2);
          if (kv.length == 2) r.put(kv[0], kv[1]);
        }
        out.add(r);
      }
    }
    return out;
  }

  static List<Path> dataFiles(Path dataset) throws IOException {
    if (!Files.exists(dataset)) return List.of();
    try (Stream<Path> s = Files.walk(dataset)) {
      return s.filter(Files::isRegularFile)
          .filter(
              p -> {
                for (Path part : dataset.relativize(p)) {
                  String n = part.toString();
                  if (n.startsWith("_") || n.startsWith(".")) return false;
                }
                return true;
              })
          .sorted()
          .toList();
    }
  }

  static List<JsonNode> jsonLines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }
}

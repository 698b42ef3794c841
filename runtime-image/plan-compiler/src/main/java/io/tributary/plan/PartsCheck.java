package io.tributary.plan;

import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What a DataPipeline run split across pods ({@code spec.compute.parallelism} > 1) needs: a source
 * every part can read its own share of, and a sink that can publish all parts in one commit. Built
 * today: a jdbc source split on an integer {@code partitionColumn} (rows go to part {@code
 * partitionColumn mod parallelism}), read in full (no incremental watermark: the parts would each
 * fix their own upper bound), into a lake of Parquet or JSON Lines files (the parts stage their
 * files, one last index publishes them with one manifest). The CRD refuses the same combinations,
 * so this is what the worker and the operator's spec check say when a plan gets past it.
 */
public final class PartsCheck {
  static final String PATH = "compute.parallelism";

  private PartsCheck() {}

  /**
   * The problems of running a DataPipeline in {@code parts} parts; none when {@code parts} is null
   * or 1.
   */
  public static List<PlanProblem> check(Integer parts, SourceSpec source, SinkSpec sink) {
    List<PlanProblem> out = new ArrayList<>();
    if (parts == null || parts <= 1 || source == null || sink == null) return out;
    if (source.jdbc() == null) {
      out.add(
          PlanProblem.spec(
              PATH,
              "a run splits across pods only from a jdbc source (with partitionColumn); this"
                  + " source is "
                  + source.kind()
                  + ": remove compute.parallelism"));
    } else {
      if (source.jdbc().partitionColumn() == null) {
        out.add(
            PlanProblem.spec(
                PATH,
                "a run split across pods needs source.jdbc.partitionColumn, an integer column"
                    + " (each pod reads the rows whose partitionColumn mod parallelism is its"
                    + " index): set it, or remove compute.parallelism"));
      }
      if (source.jdbc().incremental() != null) {
        out.add(
            PlanProblem.spec(
                PATH,
                "source.jdbc.incremental cannot be split across pods yet (each pod would fix its"
                    + " own watermark): remove compute.parallelism or source.jdbc.incremental"));
      }
    }
    if (sink.lake() == null || sink.lake().format() == FileFormat.ICEBERG) {
      out.add(
          PlanProblem.spec(
              PATH,
              "a run split across pods publishes its parts with one lake manifest, so its sink"
                  + " must be sink.lake with format parquet or jsonl (iceberg, jdbc, kafka and"
                  + " featureStore are not built for parts yet): remove compute.parallelism"));
    }
    return out;
  }
}

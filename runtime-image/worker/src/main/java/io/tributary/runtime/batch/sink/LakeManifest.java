package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tributary.pipeline.plan.RunSummary;
import java.util.List;

/**
 * What a committed lake run wrote: {@code _SUCCESS} (the latest run) and {@code _runs/<runId>.json}
 * (every run) hold this. Readers that want only committed data list {@code files}; Hive-style
 * readers may glob, because nothing is visible in the dataset before its commit.
 *
 * @param files data files relative to the dataset directory, with their record counts
 * @param columns the columns of the data files (partition columns are in the paths)
 * @param summary the run's summary as reported to the operator
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LakeManifest(
    String runId,
    String committedAt,
    String format,
    List<String> partitionBy,
    long records,
    List<FileEntry> files,
    List<Columns.Column> columns,
    RunSummary summary) {

  /** The same manifest listing {@code others} as its files. */
  public LakeManifest withFiles(List<FileEntry> others) {
    return new LakeManifest(
        runId, committedAt, format, partitionBy, records, others, columns, summary);
  }

  /**
   * One data file.
   *
   * @param part for a run split into parts, the part that staged it ({@code part-00001}): its
   *     staged copy is under {@code _staging/<runId>/<part>/}; null otherwise
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FileEntry(String path, long records, String part) {
    public FileEntry(String path, long records) {
      this(path, records, null);
    }

    /** The same file, staged by {@code name}. */
    public FileEntry inPart(String name) {
      return new FileEntry(path, records, name);
    }
  }
}

package io.tributary.pipeline.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.FileFormat;
import java.util.List;

/** Files in a data lake directory. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.format != 'csv'",
    message = "sink.lake.format: use parquet or jsonl (csv is a source format only)")
public record LakeSink(
    @Required
        @JsonPropertyDescription(
            "Directory of the dataset, e.g. /lake/curated/customer_features. Each run writes to a"
                + " staging directory and commits atomically.")
        String path,
    @Required
        @JsonPropertyDescription("File format: parquet or jsonl (csv is a source format only).")
        FileFormat format,
    @JsonPropertyDescription(
            "Columns for Hive-style partition directories, e.g. [country, event_date] ->"
                + " country=AE/event_date=2026-11-25/.")
        List<String> partitionBy,
    @Min(1)
        @JsonPropertyDescription(
            "Partition files a run keeps open at once (default 64). Records of further partitions"
                + " are spilled to the staging directory and written after, a group of partitions"
                + " at a time, so a high-cardinality partitionBy needs bounded memory and file"
                + " handles; every partition still gets one file per run.")
        Integer maxOpenFiles) {

  /** A dataset with the default limit of open partition files. */
  public LakeSink(String path, FileFormat format, List<String> partitionBy) {
    this(path, format, partitionBy, null);
  }

  /** The same sink, keeping at most {@code files} partition files open. */
  public LakeSink withMaxOpenFiles(int files) {
    return new LakeSink(path, format, partitionBy, files);
  }
}

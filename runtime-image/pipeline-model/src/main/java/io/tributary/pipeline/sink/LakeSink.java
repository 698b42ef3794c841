package io.tributary.pipeline.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.FileFormat;
import java.util.List;

/** Files in a data lake directory, or an Apache Iceberg table whose warehouse is that directory. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.format != 'csv'",
    message = "sink.lake.format: use parquet, jsonl or iceberg (csv is a source format only)")
@ValidationRule(
    value = "(self.format == 'iceberg') == has(self.iceberg)",
    message =
        "sink.lake.iceberg: set it exactly when format is iceberg (the table and its catalog)")
@ValidationRule(
    value = "!self.path.matches('^[A-Za-z][A-Za-z0-9+.-]*://')",
    fieldPath = ".path",
    message =
        "sink.lake.path: object storage (s3://, gs://, ...) is not supported yet; use a directory"
            + " on a mounted volume")
public record LakeSink(
    @Required
        @Size(max = 4096)
        @JsonPropertyDescription(
            "Directory of the dataset, e.g. /lake/curated/customer_features. Each run writes to a"
                + " staging directory and commits atomically. With format iceberg: the catalog's"
                + " warehouse directory, e.g. /lake/warehouse (tables go to"
                + " <path>/<namespace>/<table>). A directory on a mounted volume; object storage"
                + " (s3://) is not supported yet.")
        String path,
    @Required
        @JsonPropertyDescription(
            "parquet or jsonl files, or iceberg: an Apache Iceberg table (Parquet data files, one"
                + " atomic append through the catalog per run; set iceberg). csv is a source"
                + " format only.")
        FileFormat format,
    @JsonPropertyDescription(
            "Columns for Hive-style partition directories, e.g. [country, event_date] ->"
                + " country=AE/event_date=2026-11-25/. With format iceberg: the table's partition"
                + " spec (identity transforms), each a field of spec.schema.")
        List<String> partitionBy,
    @Min(1)
        @JsonPropertyDescription(
            "Partition files a run keeps open at once (default 64). Records of further partitions"
                + " are spilled to the staging directory and written after, a group of partitions"
                + " at a time, so a high-cardinality partitionBy needs bounded memory and file"
                + " handles; every partition still gets one file per run. With format iceberg the"
                + " least recently written file is closed instead, and a partition may get more"
                + " than one file.")
        Integer maxOpenFiles,
    @JsonPropertyDescription(
            "With format iceberg (and only then): the table and its catalog. Columns come from"
                + " spec.schema.fields.")
        IcebergTable iceberg) {

  /** A dataset with the default limit of open partition files. */
  public LakeSink(String path, FileFormat format, List<String> partitionBy) {
    this(path, format, partitionBy, null, null);
  }

  /** An Iceberg table in the warehouse at {@code path}. */
  public static LakeSink iceberg(String path, IcebergTable table, List<String> partitionBy) {
    return new LakeSink(path, FileFormat.ICEBERG, partitionBy, null, table);
  }

  /** The same sink, keeping at most {@code files} partition files open. */
  public LakeSink withMaxOpenFiles(int files) {
    return new LakeSink(path, format, partitionBy, files, iceberg);
  }
}

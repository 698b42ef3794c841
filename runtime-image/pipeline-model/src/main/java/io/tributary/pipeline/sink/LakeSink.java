package io.tributary.pipeline.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.ObjectStore;
import io.tributary.pipeline.VolumeClaim;
import java.util.List;

/**
 * Files in a data lake directory or under an {@code s3://} prefix, or an Apache Iceberg table whose
 * warehouse is that directory or prefix.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.format != 'csv'",
    message = "sink.lake.format: use parquet, jsonl or iceberg (csv is a source format only)")
@ValidationRule(
    value = "(self.format == 'iceberg') == has(self.iceberg)",
    message =
        "sink.lake.iceberg: set it exactly when format is iceberg (the table and its catalog)")
@ValidationRule(
    value = "self.path.startsWith('s3://') || !self.path.matches('^[A-Za-z][A-Za-z0-9+.-]*://')",
    fieldPath = ".path",
    message =
        "sink.lake.path: use s3://bucket/prefix (with sink.lake.s3) or a directory on a mounted"
            + " volume; other object stores (gs://, abfs://, ...) are not supported")
@ValidationRule(
    value =
        "!self.path.startsWith('s3://') || self.path.matches('^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$')",
    fieldPath = ".path",
    message =
        "sink.lake.path: s3://bucket/prefix with a valid bucket name (3-63 lower-case letters,"
            + " digits, dots or hyphens)")
@ValidationRule(
    value =
        "!has(self.volume) || self.path == self.volume.mountPath ||"
            + " self.path.startsWith(self.volume.mountPath + '/')",
    fieldPath = ".volume",
    message =
        "sink.lake.volume: path must lie under volume.mountPath (e.g. mountPath /lake, path"
            + " /lake/curated/orders)")
@ValidationRule(
    value = "self.path.startsWith('s3://') == has(self.s3)",
    fieldPath = ".s3",
    message =
        "sink.lake.s3: set it exactly when path is s3://bucket/prefix (the store's endpoint,"
            + " region and credentials)")
public record LakeSink(
    @Required
        @Size(max = 4096)
        @JsonPropertyDescription(
            "Directory of the dataset, e.g. /lake/curated/customer_features (a mounted volume),"
                + " or an S3 prefix, e.g. s3://lake/curated/customer_features (set s3). Each run"
                + " writes to a staging area and commits atomically. With format iceberg: the"
                + " catalog's warehouse, e.g. /lake/warehouse or s3://lake/warehouse (tables go to"
                + " <path>/<namespace>/<table>).")
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
        IcebergTable iceberg,
    @JsonPropertyDescription(
            "The S3-compatible store of an s3:// path (and only then): endpoint, region,"
                + " addressing style, credentials.")
        ObjectStore s3,
    @JsonPropertyDescription(
            "A PersistentVolumeClaim mounted read-write into the worker (a shared file system);"
                + " path must lie under its mountPath. Without it (and without s3), path must be"
                + " on a volume the worker image already has.")
        VolumeClaim volume) {

  /** A dataset with the default limit of open partition files. */
  public LakeSink(String path, FileFormat format, List<String> partitionBy) {
    this(path, format, partitionBy, null, null, null, null);
  }

  /** An Iceberg table in the warehouse at {@code path}. */
  public static LakeSink iceberg(String path, IcebergTable table, List<String> partitionBy) {
    return new LakeSink(path, FileFormat.ICEBERG, partitionBy, null, table, null, null);
  }

  /** The same sink, keeping at most {@code files} partition files open. */
  public LakeSink withMaxOpenFiles(int files) {
    return new LakeSink(path, format, partitionBy, files, iceberg, s3, volume);
  }

  /** The same sink on the claim {@code claim}, mounted where path lies. */
  public LakeSink withVolume(VolumeClaim claim) {
    return new LakeSink(path, format, partitionBy, maxOpenFiles, iceberg, s3, claim);
  }

  /** The same sink on the S3-compatible store {@code store} (path is s3://...). */
  public LakeSink withS3(ObjectStore store) {
    return new LakeSink(path, format, partitionBy, maxOpenFiles, iceberg, store, volume);
  }
}

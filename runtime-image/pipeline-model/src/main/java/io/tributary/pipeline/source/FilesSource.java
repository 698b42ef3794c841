package io.tributary.pipeline.source;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.FileFormat;
import io.tributary.pipeline.ObjectStore;
import io.tributary.pipeline.VolumeClaim;

/** Files on a mounted volume or objects under an {@code s3://} prefix. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.format != 'iceberg'",
    message = "source.files.format: use csv, jsonl or parquet (iceberg is a lake sink format only)")
@ValidationRule(
    value = "!has(self.csv) || self.format == 'csv'",
    fieldPath = ".csv",
    message = "source.files.csv: CSV options apply only to format csv; remove csv or set format")
@ValidationRule(
    value = "self.path.startsWith('s3://') || !self.path.matches('^[A-Za-z][A-Za-z0-9+.-]*://')",
    fieldPath = ".path",
    message =
        "source.files.path: use s3://bucket/prefix (with source.files.s3) or a path on a mounted"
            + " volume; other object stores (gs://, abfs://, ...) are not supported")
@ValidationRule(
    value =
        "!self.path.startsWith('s3://') || self.path.matches('^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$')",
    fieldPath = ".path",
    message =
        "source.files.path: s3://bucket/prefix with a valid bucket name (3-63 lower-case letters,"
            + " digits, dots or hyphens)")
@ValidationRule(
    value =
        "!has(self.volume) || self.path == self.volume.mountPath ||"
            + " self.path.startsWith(self.volume.mountPath + '/')",
    fieldPath = ".volume",
    message =
        "source.files.volume: path must lie under volume.mountPath (e.g. mountPath /lake, path"
            + " /lake/raw/*.jsonl)")
@ValidationRule(
    value = "self.path.startsWith('s3://') == has(self.s3)",
    fieldPath = ".s3",
    message =
        "source.files.s3: set it exactly when path is s3://bucket/... (the store's endpoint,"
            + " region and credentials)")
public record FilesSource(
    @Required
        @Size(max = 4096)
        @JsonPropertyDescription(
            "Path or glob of the files to read, e.g. /lake/raw/events/*.jsonl on a mounted volume,"
                + " or objects under an S3 prefix, e.g. s3://lake/raw/events/*.jsonl (set s3; the"
                + " glob applies to the key after the bucket).")
        String path,
    @Required
        @JsonPropertyDescription(
            "File format: csv, jsonl or parquet (iceberg is a lake sink format only).")
        FileFormat format,
    @JsonPropertyDescription("CSV options; only for format csv.") Csv csv,
    @JsonPropertyDescription(
            "The S3-compatible store of an s3:// path (and only then): endpoint, region,"
                + " addressing style, credentials.")
        ObjectStore s3,
    @JsonPropertyDescription(
            "A PersistentVolumeClaim mounted read-only into the worker (a shared file system);"
                + " path must lie under its mountPath.")
        VolumeClaim volume) {

  /** Files at {@code path} in {@code format}, without CSV options or an object store. */
  public FilesSource(String path, FileFormat format, Csv csv) {
    this(path, format, csv, null, null);
  }

  /** The same files with CSV dialect {@code dialect}. */
  public FilesSource withCsv(Csv dialect) {
    return new FilesSource(path, format, dialect, s3, volume);
  }

  /** The same files on the S3-compatible store {@code store} (path is s3://...). */
  public FilesSource withS3(ObjectStore store) {
    return new FilesSource(path, format, csv, store, volume);
  }

  /** The same files on the claim {@code claim}, mounted where path lies. */
  public FilesSource withVolume(VolumeClaim claim) {
    return new FilesSource(path, format, csv, s3, claim);
  }

  /** CSV dialect. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Csv(
      @JsonPropertyDescription("The first line holds the column names (default true).")
          Boolean header,
      @Size(min = 1, max = 1)
          @JsonPropertyDescription("Field delimiter, one character (default ,).")
          String delimiter,
      @Size(min = 1, max = 1)
          @JsonPropertyDescription("Quote character, one character (default \").")
          String quote) {
    /** Nothing said: every setting takes its default. */
    public static Csv unset() {
      return new Csv(null, null, null);
    }
  }
}

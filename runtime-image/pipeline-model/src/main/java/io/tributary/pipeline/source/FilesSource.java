package io.tributary.pipeline.source;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.FileFormat;

/** Files on a mounted volume. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.format != 'iceberg'",
    message = "source.files.format: use csv, jsonl or parquet (iceberg is a lake sink format only)")
@ValidationRule(
    value = "!has(self.csv) || self.format == 'csv'",
    fieldPath = ".csv",
    message = "source.files.csv: CSV options apply only to format csv; remove csv or set format")
public record FilesSource(
    @Required
        @JsonPropertyDescription(
            "Path or glob of the files to read, e.g. /lake/raw/events/*.jsonl. A mounted volume is"
                + " the lake in a cluster.")
        String path,
    @Required
        @JsonPropertyDescription(
            "File format: csv, jsonl or parquet (iceberg is a lake sink format only).")
        FileFormat format,
    @JsonPropertyDescription("CSV options; only for format csv.") Csv csv) {

  /** The same files with CSV dialect {@code dialect}. */
  public FilesSource withCsv(Csv dialect) {
    return new FilesSource(path, format, dialect);
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

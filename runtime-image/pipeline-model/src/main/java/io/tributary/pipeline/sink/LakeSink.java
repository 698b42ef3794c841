package io.tributary.pipeline.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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
        List<String> partitionBy) {}

package io.tributary.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * File formats of the files source and the lake sink. {@code iceberg} is a lake sink format only:
 * Parquet data files in an Apache Iceberg table.
 */
public enum FileFormat {
  @JsonProperty("csv")
  CSV,
  @JsonProperty("jsonl")
  JSONL,
  @JsonProperty("parquet")
  PARQUET,
  @JsonProperty("iceberg")
  ICEBERG
}

package io.tributary.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;

/** File formats of the files source and the lake sink. */
public enum FileFormat {
  @JsonProperty("csv")
  CSV,
  @JsonProperty("jsonl")
  JSONL,
  @JsonProperty("parquet")
  PARQUET
}

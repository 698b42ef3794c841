package io.tributary.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.source.FilesSource;
import io.tributary.pipeline.source.HttpSource;
import io.tributary.pipeline.source.JdbcSource;
import io.tributary.pipeline.source.KafkaSource;
import io.tributary.pipeline.source.MqttSource;

/** Where a pipeline reads from. Exactly one of the source kinds is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "[has(self.jdbc), has(self.files), has(self.http), has(self.kafka)]"
            + ".filter(x, x).size() == 1",
    message = "source: set exactly one of jdbc, files, http or kafka")
// The plan check refuses the same, in the same words, for plans that bypass the schema.
@ValidationRule(
    value = "!has(self.mqtt) || (has(self.kafka) && size(self.kafka.topics) == 1)",
    fieldPath = ".mqtt",
    message = SourceSpec.MQTT_NEEDS_INGEST_TOPIC)
public record SourceSpec(
    @JsonPropertyDescription(
            "Read rows from a relational database over JDBC (PostgreSQL first-class), from a table"
                + " or a query, optionally partitioned and incremental.")
        JdbcSource jdbc,
    @JsonPropertyDescription(
            "Read files (CSV, JSON Lines, Parquet) from a path or glob on a mounted volume.")
        FilesSource files,
    @JsonPropertyDescription(
            "Read a paginated JSON HTTP API, with auth from a Secret, retries and a rate limit.")
        HttpSource http,
    @JsonPropertyDescription(
            "Read JSON records from Kafka topics. A StreamJob reads continuously; a DataPipeline"
                + " reads from the committed offsets to the end offsets seen at start.")
        KafkaSource kafka,
    @JsonPropertyDescription(
            "StreamJob only: bridge MQTT messages (QoS 1) into source.kafka's one topic (the"
                + " ingest topic), which the pipeline then reads. At least once into Kafka;"
                + " the first transform, a dedupe on keyField, removes the repeats within its"
                + " window.")
        MqttSource mqtt,
    @JsonPropertyDescription(
            "Region the source's data lives in, e.g. me-central-1. Residency checks refuse a"
                + " pipeline whose source region differs from the pipeline's residency region.")
        @Pattern("^[a-z]{2}-[a-z]+-[0-9]+$")
        String region) {

  /** A jdbc source. */
  public static SourceSpec of(JdbcSource jdbc) {
    return new SourceSpec(jdbc, null, null, null, null, null);
  }

  /** A files source. */
  public static SourceSpec of(FilesSource files) {
    return new SourceSpec(null, files, null, null, null, null);
  }

  /** An http source. */
  public static SourceSpec of(HttpSource http) {
    return new SourceSpec(null, null, http, null, null, null);
  }

  /** A kafka source. */
  public static SourceSpec of(KafkaSource kafka) {
    return new SourceSpec(null, null, null, kafka, null, null);
  }

  /** The same source, declared in {@code region}. */
  public SourceSpec inRegion(String region) {
    return new SourceSpec(jdbc, files, http, kafka, mqtt, region);
  }

  /** An MQTT source bridged into {@code ingest}, a Kafka source with one topic. */
  public static SourceSpec of(MqttSource mqtt, KafkaSource ingest) {
    return new SourceSpec(null, null, null, ingest, mqtt, null);
  }

  /** The same source with {@code kafka} as its Kafka part (an MQTT bridge kept). */
  public SourceSpec withKafka(KafkaSource kafka) {
    return new SourceSpec(jdbc, files, http, kafka, mqtt, region);
  }

  /** The same source with {@code mqtt} as its MQTT part. */
  public SourceSpec withMqtt(MqttSource mqtt) {
    return new SourceSpec(jdbc, files, http, kafka, mqtt, region);
  }

  /** Why an MQTT source needs a Kafka source with one topic, and the fix. */
  public static final String MQTT_NEEDS_INGEST_TOPIC =
      "source.mqtt is bridged into one Kafka topic that the pipeline then reads: set source.kafka"
          + " (bootstrapServers, and topics with exactly one topic, the ingest topic)";

  /** The kind of source that is set, for messages and lineage. */
  public String kind() {
    if (jdbc != null) return "jdbc";
    if (files != null) return "files";
    if (http != null) return "http";
    if (kafka != null) return "kafka";
    if (mqtt != null) return "mqtt";
    return "none";
  }
}

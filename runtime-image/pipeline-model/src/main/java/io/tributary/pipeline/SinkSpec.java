package io.tributary.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.sink.FeatureStoreSink;
import io.tributary.pipeline.sink.JdbcSink;
import io.tributary.pipeline.sink.KafkaSink;
import io.tributary.pipeline.sink.LakeSink;
import java.util.List;

/** Where a pipeline writes to. Exactly one of the sink kinds is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "[has(self.lake), has(self.jdbc), has(self.kafka), has(self.featureStore)]"
            + ".filter(x, x).size() == 1",
    message = "sink: set exactly one of lake, jdbc, kafka or featureStore")
public record SinkSpec(
    @JsonPropertyDescription(
            "Write Parquet or JSON Lines files into a data lake directory, Hive-style partitioned,"
                + " committed atomically per run with a _SUCCESS manifest; or append to an Apache"
                + " Iceberg table through its catalog (format iceberg).")
        LakeSink lake,
    @JsonPropertyDescription("Append or upsert rows into a database table over JDBC.")
        JdbcSink jdbc,
    @JsonPropertyDescription("Produce JSON records to a Kafka topic (transactionally).")
        KafkaSink kafka,
    @JsonPropertyDescription(
            "Write feature values to the online feature store (Redis): entity key -> hash of"
                + " features, with a TTL.")
        FeatureStoreSink featureStore,
    @JsonPropertyDescription(
            "Region the sink's data lives in, e.g. me-central-1. Residency checks refuse a"
                + " pipeline whose sink region differs from the pipeline's residency region.")
        @Pattern("^[a-z]{2}-[a-z]+-[0-9]+$")
        String region,
    @Size(max = 256)
        @JsonPropertyDescription(
            "Classified fields (schema classification or pii, or computed from such a field) this"
                + " sink may receive unmasked, by their name at the sink, e.g. [email] for a CRM"
                + " table that must hold the address. Every other classified field must be masked"
                + " or dropped before the sink, or the pipeline is refused with reason"
                + " UnmaskedPersonalData. Dead letters are masked regardless.")
        List<String> allowClassified) {

  /** A lake sink. */
  public static SinkSpec of(LakeSink lake) {
    return new SinkSpec(lake, null, null, null, null, null);
  }

  /** A jdbc sink. */
  public static SinkSpec of(JdbcSink jdbc) {
    return new SinkSpec(null, jdbc, null, null, null, null);
  }

  /** A kafka sink. */
  public static SinkSpec of(KafkaSink kafka) {
    return new SinkSpec(null, null, kafka, null, null, null);
  }

  /** A feature-store sink. */
  public static SinkSpec of(FeatureStoreSink featureStore) {
    return new SinkSpec(null, null, null, featureStore, null, null);
  }

  /** The same sink, declared in {@code region}. */
  public SinkSpec inRegion(String region) {
    return new SinkSpec(lake, jdbc, kafka, featureStore, region, allowClassified);
  }

  /** The same sink, allowed to receive {@code fields} unmasked although they are classified. */
  public SinkSpec allowingClassified(List<String> fields) {
    return new SinkSpec(lake, jdbc, kafka, featureStore, region, fields);
  }

  /** Whether {@code allowClassified} names {@code field}. */
  public boolean allowsClassified(String field) {
    return allowClassified != null && allowClassified.contains(field);
  }

  /** The kind of sink that is set, for messages and lineage. */
  public String kind() {
    if (lake != null) return "lake";
    if (jdbc != null) return "jdbc";
    if (kafka != null) return "kafka";
    if (featureStore != null) return "featureStore";
    return "none";
  }
}

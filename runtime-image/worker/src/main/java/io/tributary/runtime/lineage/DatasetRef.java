package io.tributary.runtime.lineage;

import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A dataset named the OpenLineage way (its naming conventions): {@code postgres://host:port} +
 * {@code db.schema.table}, {@code file} + path, {@code kafka://broker} + topic, {@code
 * redis://host:port} + feature view, {@code https://host} + path.
 */
public record DatasetRef(String namespace, String name) {

  /** The datasets a source reads (one per topic for Kafka). */
  public static List<DatasetRef> inputs(SourceSpec s) {
    List<DatasetRef> out = new ArrayList<>();
    switch (s.kind()) {
      case "jdbc" ->
          out.add(jdbc(s.jdbc().url(), s.jdbc().table() != null ? s.jdbc().table() : "query"));
      case "files" -> out.add(new DatasetRef("file", s.files().path()));
      case "http" -> {
        URI u = URI.create(s.http().url());
        out.add(new DatasetRef(u.getScheme() + "://" + u.getAuthority(), u.getPath()));
      }
      case "kafka" ->
          s.kafka().topics().forEach(t -> out.add(kafka(s.kafka().bootstrapServers(), t)));
      default -> {}
    }
    return out;
  }

  /** The dataset a sink writes. */
  public static DatasetRef output(SinkSpec s) {
    return switch (s.kind()) {
      case "lake" ->
          s.lake().iceberg() == null
              ? new DatasetRef("file", s.lake().path())
              : iceberg(s.lake().path(), s.lake().iceberg().table());
      case "jdbc" -> jdbc(s.jdbc().url(), s.jdbc().table());
      case "kafka" -> kafka(s.kafka().bootstrapServers(), s.kafka().topic());
      case "featureStore" ->
          new DatasetRef(
              "redis://" + s.featureStore().redisAddress(), s.featureStore().featureView());
      default -> new DatasetRef("unknown", "unknown");
    };
  }

  /**
   * An Iceberg table by its location, as OpenLineage names Iceberg datasets: where the JDBC catalog
   * puts a new table, {@code <warehouse>/<namespace levels>/<table>}.
   */
  static DatasetRef iceberg(String warehouse, String table) {
    String base =
        warehouse.endsWith("/") ? warehouse.substring(0, warehouse.length() - 1) : warehouse;
    return new DatasetRef("file", base + "/" + table.replace('.', '/'));
  }

  static DatasetRef kafka(String bootstrap, String topic) {
    return new DatasetRef("kafka://" + bootstrap.split(",")[0], topic);
  }

  /** jdbc:postgresql://h:5432/db?x → postgres://h:5432, db.public.table. */
  static DatasetRef jdbc(String url, String table) {
    String rest = url.substring("jdbc:".length());
    int q = rest.indexOf('?');
    if (q >= 0) rest = rest.substring(0, q);
    URI u = URI.create(rest);
    String scheme = "postgresql".equals(u.getScheme()) ? "postgres" : u.getScheme();
    String db = u.getPath() == null ? "" : u.getPath().replaceFirst("^/", "");
    String qualified =
        table.contains(".") ? table : ("postgres".equals(scheme) ? "public." : "") + table;
    return new DatasetRef(
        scheme + "://" + u.getAuthority(), db.isEmpty() ? qualified : db + "." + qualified);
  }
}

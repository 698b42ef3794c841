package io.tributary.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An independent reader of Iceberg tables: PyIceberg (Python, from PyPI) with its SQL catalog on
 * the same PostgreSQL database, installed on first use into a virtualenv under .cache/ by {@code
 * src/test/pyiceberg/install.sh}. It shares no code with the Java writer: what it reads back is
 * what any Iceberg engine would see.
 */
public final class PyIceberg {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DIR = Path.of("src/test/pyiceberg").toAbsolutePath();
  private static String python;

  private PyIceberg() {}

  /**
   * The table as PyIceberg reads it: {@code schema}, {@code partitionBy}, {@code rows}, {@code
   * snapshots} (id, operation, summary) and {@code dataFiles}.
   */
  public static JsonNode read(String jdbcUrl, String catalog, Path warehouse, String table)
      throws IOException {
    return read(jdbcUrl, catalog, warehouse.toString(), table, Map.of());
  }

  /**
   * The table of a warehouse at any location PyIceberg resolves, e.g. {@code s3://bucket/wh} with
   * {@code properties} {@code s3.endpoint}, {@code s3.access-key-id}, {@code s3.secret-access-key},
   * {@code s3.region}: PyIceberg's own S3 client (PyArrow's) reads the files.
   */
  public static JsonNode read(
      String jdbcUrl,
      String catalog,
      String warehouse,
      String table,
      Map<String, String> properties)
      throws IOException {
    String out =
        run(
            List.of(
                python(),
                DIR.resolve("read_table.py").toString(),
                sqlAlchemyUri(jdbcUrl),
                catalog,
                warehouse,
                table,
                JSON.writeValueAsString(properties)));
    return JSON.readTree(out);
  }

  /** jdbc:postgresql://host:port/db as SQLAlchemy spells it, as user postgres (trust auth). */
  static String sqlAlchemyUri(String jdbcUrl) {
    return "postgresql+psycopg2://postgres@" + jdbcUrl.substring("jdbc:postgresql://".length());
  }

  private static synchronized String python() throws IOException {
    if (python == null) {
      python = run(List.of(DIR.resolve("install.sh").toString())).strip();
    }
    return python;
  }

  private static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + ")");
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    }
  }
}

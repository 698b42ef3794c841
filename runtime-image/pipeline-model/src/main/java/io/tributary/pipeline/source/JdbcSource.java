package io.tributary.pipeline.source;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.SecretKeyRef;

/** Rows from a relational database. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// On the class, not the field: Fabric8 copies a rule on a record component twice (field and
// accessor), and the API server refuses duplicate rules. Catches ?password=, ;password=, pwd=
// and user:password@host.
@ValidationRule(
    value = "!has(self.url) || !self.url.matches('(?i)([?&;](password|pwd)=|//[^/@?]*:[^/@?]*@)')",
    fieldPath = ".url",
    message =
        "source.jdbc.url: do not put the password in the URL; put it in a Secret and reference it"
            + " with source.jdbc.passwordSecretRef")
@ValidationRule(
    value = "has(self.table) != has(self.query)",
    message = "source.jdbc: set exactly one of table or query")
@ValidationRule(
    value = "!has(self.partitions) || self.partitions == 1 || has(self.partitionColumn)",
    message =
        "source.jdbc.partitions > 1 needs source.jdbc.partitionColumn (a numeric or time column)")
public record JdbcSource(
    @Required
        @Size(max = 2048)
        @Pattern("^jdbc:[a-z0-9]+:.+")
        @JsonPropertyDescription(
            "JDBC URL without credentials, e.g. jdbc:postgresql://orders-db:5432/orders.")
        String url,
    @JsonPropertyDescription("Table to read, optionally schema-qualified (e.g. public.customers).")
        String table,
    @JsonPropertyDescription("SQL query to read instead of a whole table.") String query,
    @JsonPropertyDescription("Secret key holding the database user name.")
        SecretKeyRef userSecretRef,
    @JsonPropertyDescription("Secret key holding the database password.")
        SecretKeyRef passwordSecretRef,
    @JsonPropertyDescription(
            "Numeric or timestamp column to split the read on, for parallel partitioned reads.")
        String partitionColumn,
    @Min(1)
        @Max(256)
        @JsonPropertyDescription(
            "Number of parallel range reads over partitionColumn (default 1: one sequential read).")
        Integer partitions,
    @Min(1)
        @Max(100000)
        @JsonPropertyDescription(
            "Rows fetched per round trip; rows are streamed, never held all in memory (default"
                + " 10000).")
        Integer fetchSize,
    @JsonPropertyDescription(
            "Incremental mode: read only rows whose column is above the high watermark of the"
                + " last successful run.")
        Incremental incremental) {

  /** Reads the whole {@code table} at {@code url}. */
  public static JdbcSource table(String url, String table) {
    return new JdbcSource(url, table, null, null, null, null, null, null, null);
  }

  /** Reads the rows of {@code sql} at {@code url}. */
  public static JdbcSource query(String url, String sql) {
    return new JdbcSource(url, null, sql, null, null, null, null, null, null);
  }

  public JdbcSource withUserSecretRef(SecretKeyRef ref) {
    return new JdbcSource(
        url,
        table,
        query,
        ref,
        passwordSecretRef,
        partitionColumn,
        partitions,
        fetchSize,
        incremental);
  }

  public JdbcSource withPasswordSecretRef(SecretKeyRef ref) {
    return new JdbcSource(
        url, table, query, userSecretRef, ref, partitionColumn, partitions, fetchSize, incremental);
  }

  public JdbcSource withPartitionColumn(String column) {
    return new JdbcSource(
        url,
        table,
        query,
        userSecretRef,
        passwordSecretRef,
        column,
        partitions,
        fetchSize,
        incremental);
  }

  public JdbcSource withPartitions(int n) {
    return new JdbcSource(
        url,
        table,
        query,
        userSecretRef,
        passwordSecretRef,
        partitionColumn,
        n,
        fetchSize,
        incremental);
  }

  public JdbcSource withFetchSize(int rows) {
    return new JdbcSource(
        url,
        table,
        query,
        userSecretRef,
        passwordSecretRef,
        partitionColumn,
        partitions,
        rows,
        incremental);
  }

  public JdbcSource withIncremental(Incremental inc) {
    return new JdbcSource(
        url,
        table,
        query,
        userSecretRef,
        passwordSecretRef,
        partitionColumn,
        partitions,
        fetchSize,
        inc);
  }

  /** Incremental reads by a monotonically growing column. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Incremental(
      @Required
          @JsonPropertyDescription(
              "Monotonically increasing column (e.g. updated_at or id) used as the high"
                  + " watermark.")
          String column,
      @JsonPropertyDescription(
              "Watermark to start from on the first run (exclusive); default: read everything.")
          String initialValue) {}
}

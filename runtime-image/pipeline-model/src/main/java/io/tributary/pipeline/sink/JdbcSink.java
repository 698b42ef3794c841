package io.tributary.pipeline.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.SecretKeyRef;
import java.util.List;

/** Rows into a database table. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// On the class, not the field: Fabric8 copies a rule on a record component twice (field and
// accessor), and the API server refuses duplicate rules. Catches ?password=, ;password=, pwd=
// and user:password@host.
@ValidationRule(
    value = "!has(self.url) || !self.url.matches('(?i)([?&;](password|pwd)=|//[^/@?]*:[^/@?]*@)')",
    fieldPath = ".url",
    message =
        "sink.jdbc.url: do not put the password in the URL; put it in a Secret and reference it"
            + " with sink.jdbc.passwordSecretRef")
@ValidationRule(
    value =
        "!has(self.mode) || self.mode != 'upsert' || (has(self.keyColumns) && size(self.keyColumns) > 0)",
    message = "sink.jdbc.mode upsert needs sink.jdbc.keyColumns (the conflict key)")
public record JdbcSink(
    @Required
        @Size(max = 2048)
        @Pattern("^jdbc:[a-z0-9]+:.+")
        @JsonPropertyDescription("JDBC URL without credentials.")
        String url,
    @Required @JsonPropertyDescription("Target table, optionally schema-qualified.") String table,
    @JsonPropertyDescription(
            "append (default) inserts rows; upsert inserts or updates on keyColumns.")
        Mode mode,
    @JsonPropertyDescription("Key columns for upsert.") List<String> keyColumns,
    @Min(1) @Max(100000) @JsonPropertyDescription("Rows per batch and transaction (default 1000).")
        Integer batchSize,
    @JsonPropertyDescription("Secret key holding the database user name.")
        SecretKeyRef userSecretRef,
    @JsonPropertyDescription("Secret key holding the database password.")
        SecretKeyRef passwordSecretRef) {

  /** Appends rows to {@code table} at {@code url}, every option at its default. */
  public static JdbcSink of(String url, String table) {
    return new JdbcSink(url, table, null, null, null, null, null);
  }

  public JdbcSink withMode(Mode m) {
    return new JdbcSink(url, table, m, keyColumns, batchSize, userSecretRef, passwordSecretRef);
  }

  public JdbcSink withKeyColumns(List<String> columns) {
    return new JdbcSink(url, table, mode, columns, batchSize, userSecretRef, passwordSecretRef);
  }

  public JdbcSink withBatchSize(int rows) {
    return new JdbcSink(url, table, mode, keyColumns, rows, userSecretRef, passwordSecretRef);
  }

  public JdbcSink withUserSecretRef(SecretKeyRef ref) {
    return new JdbcSink(url, table, mode, keyColumns, batchSize, ref, passwordSecretRef);
  }

  public JdbcSink withPasswordSecretRef(SecretKeyRef ref) {
    return new JdbcSink(url, table, mode, keyColumns, batchSize, userSecretRef, ref);
  }

  /** Write mode. */
  public enum Mode {
    @JsonProperty("append")
    APPEND,
    @JsonProperty("upsert")
    UPSERT
  }
}

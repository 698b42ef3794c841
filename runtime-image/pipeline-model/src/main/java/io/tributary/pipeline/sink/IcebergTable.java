package io.tributary.pipeline.sink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.tributary.pipeline.SecretKeyRef;

/**
 * The Apache Iceberg table a lake sink with {@code format: iceberg} appends to, and the catalog
 * that owns it. The sink's {@code path} is the catalog's warehouse: new tables are created under
 * {@code <path>/<namespace>/<table>}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IcebergTable(
    @Required
        @Size(max = 512)
        @Pattern("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$")
        @JsonPropertyDescription(
            "Table identifier namespace.table, e.g. analytics.customer_features (a nested"
                + " namespace is a.b.table). The run creates the namespace and the table when they"
                + " do not exist.")
        String table,
    @Required @JsonPropertyDescription("The Iceberg catalog that holds the table.")
        Catalog catalog) {

  /**
   * Iceberg's JDBC catalog: the table's current metadata pointer lives in a PostgreSQL table
   * ({@code iceberg_tables}), and a commit is one compare-and-swap of that row.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  // On the class, not the field: Fabric8 copies a rule on a record component twice.
  @ValidationRule(
      value = "!self.url.matches('(?i)([?&;](password|pwd)=|//[^/@?]*:[^/@?]*@)')",
      fieldPath = ".url",
      message =
          "sink.lake.iceberg.catalog.url: do not put the password in the URL; put it in a Secret"
              + " and reference it with passwordSecretRef")
  public record Catalog(
      @Required
          @Size(max = 2048)
          @Pattern("^jdbc:postgresql:.+")
          @JsonPropertyDescription(
              "JDBC URL of the PostgreSQL database of the catalog, without credentials, e.g."
                  + " jdbc:postgresql://iceberg-catalog:5432/iceberg. The catalog's tables"
                  + " (iceberg_tables, iceberg_namespace_properties) are created on first use.")
          String url,
      @Size(max = 255)
          @Pattern("^[A-Za-z0-9_.-]+$")
          @JsonPropertyDescription(
              "Catalog name: one database can hold several catalogs, told apart by this name"
                  + " (default tributary). Readers use the same name, e.g. PyIceberg's"
                  + " SqlCatalog(name, ...).")
          String name,
      @JsonPropertyDescription("Secret key holding the catalog database's user name.")
          SecretKeyRef userSecretRef,
      @JsonPropertyDescription("Secret key holding the catalog database's password.")
          SecretKeyRef passwordSecretRef) {

    /** The catalog at {@code url} with the default name, no credentials. */
    public static Catalog of(String url) {
      return new Catalog(url, null, null, null);
    }

    public Catalog withName(String n) {
      return new Catalog(url, n, userSecretRef, passwordSecretRef);
    }

    public Catalog withUserSecretRef(SecretKeyRef ref) {
      return new Catalog(url, name, ref, passwordSecretRef);
    }

    public Catalog withPasswordSecretRef(SecretKeyRef ref) {
      return new Catalog(url, name, userSecretRef, ref);
    }
  }
}

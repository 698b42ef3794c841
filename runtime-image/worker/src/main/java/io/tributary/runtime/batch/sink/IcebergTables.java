package io.tributary.runtime.batch.sink;

import io.tributary.pipeline.plan.SinkSchema;
import io.tributary.pipeline.sink.IcebergTable;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.runtime.batch.SecretFiles;
import io.tributary.runtime.storage.ObjectStores;
import io.tributary.runtime.storage.S3Location;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdatePartitionSpec;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog side of the Iceberg sink, shared by the batch run ({@link IcebergWriter}) and the
 * stream's lake sink: opening the catalog, the table, its schema and partition evolution, a run's
 * snapshot.
 */
public final class IcebergTables {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergTables.class);

  private IcebergTables() {}

  /** Opens Iceberg's JDBC catalog of {@code spec}, its warehouse the sink's path (dir or s3://). */
  public static JdbcCatalog openCatalog(LakeSink spec, SecretFiles secrets) {
    IcebergTable.Catalog c = spec.iceberg().catalog();
    Map<String, String> props = new HashMap<>();
    props.put(CatalogProperties.URI, c.url());
    props.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse(spec.path()));
    String user = secrets.read(c.userSecretRef(), "sink.lake.iceberg.catalog.userSecretRef");
    String password =
        secrets.read(c.passwordSecretRef(), "sink.lake.iceberg.catalog.passwordSecretRef");
    if (user != null) props.put(JdbcCatalog.PROPERTY_PREFIX + "user", user);
    if (password != null) props.put(JdbcCatalog.PROPERTY_PREFIX + "password", password);
    // On s3:// the warehouse's files go through Iceberg's S3FileIO, with spec.s3's settings;
    // locations keep their s3:// scheme, which every Iceberg reader resolves the same way.
    JdbcCatalog catalog =
        new JdbcCatalog(
            p ->
                S3Location.isS3(spec.path())
                    ? ObjectStores.fileIO(spec.s3(), secrets, "sink.lake.s3")
                    : new LocalFileIO(),
            null,
            true);
    catalog.initialize(c.name(), props);
    return catalog;
  }

  /** The warehouse location: the sink's path as written, without a trailing slash. */
  static String warehouse(String path) {
    String p = path;
    while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
    return p;
  }

  /**
   * The table, created with {@code schema} and {@code partitioning} (and the namespace) when it
   * does not exist; a table another run created meanwhile is loaded.
   */
  public static Table loadOrCreate(
      JdbcCatalog catalog, TableIdentifier id, Schema schema, PartitionSpec partitioning) {
    try {
      return catalog.loadTable(id);
    } catch (NoSuchTableException e) {
      // created below
    }
    Namespace ns = id.namespace();
    if (!catalog.namespaceExists(ns)) {
      try {
        catalog.createNamespace(ns);
      } catch (AlreadyExistsException e) {
        // another run created it meanwhile
      }
    }
    try {
      Table created =
          catalog
              .buildTable(id, schema)
              .withPartitionSpec(partitioning)
              // Snappy, as the parquet lake format: its codec ships with parquet-hadoop.
              .withProperty(TableProperties.PARQUET_COMPRESSION, "snappy")
              .create();
      LOG.info("created Iceberg table {} at {}", id, created.location());
      return created;
    } catch (AlreadyExistsException e) {
      return catalog.loadTable(id);
    }
  }

  /** spec.schema or partitionBy asks the table for a change Iceberg's evolution rules forbid. */
  public static final class Refused extends RuntimeException {
    Refused(String reasons) {
      super(reasons, null, false, false);
    }
  }

  /**
   * Stages in {@code tx} the schema changes that let the table hold {@code wanted} ({@link
   * IcebergEvolution}) and the partition spec change to identity partitions on {@code partitionBy};
   * they commit with the transaction.
   *
   * @param who the writer, for the log
   * @throws Refused with every reason, when the table cannot take {@code wanted}; nothing staged
   */
  static void stageEvolution(Transaction tx, Schema wanted, List<String> partitionBy, String who) {
    IcebergEvolution.Result evolution = IcebergEvolution.compare(tx.table().schema(), wanted);
    if (evolution.refused()) throw new Refused(String.join("; ", evolution.refusals()));
    if (!evolution.changes().isEmpty()) {
      UpdateSchema update = tx.updateSchema();
      evolution.changes().forEach(c -> c.apply(update));
      update.commit();
      LOG.info("{}: table {} schema evolves: {}", who, tx.table().name(), evolution.changes());
    }
    IcebergSchemas.SpecChange specChange =
        IcebergSchemas.specChange(tx.table().spec(), tx.table().schema(), partitionBy);
    if (!specChange.isEmpty()) {
      UpdatePartitionSpec specUpdate = tx.updateSpec();
      specChange.apply(specUpdate);
      specUpdate.commit();
      LOG.info(
          "{}: table {} partition spec becomes identity({})",
          who,
          tx.table().name(),
          String.join(", ", partitionBy));
    }
  }

  /**
   * For a writer that commits again and again (a stream): the table of {@code spec}, created when
   * missing, its schema and partition spec evolved to {@code schema} and partitionBy in a commit of
   * their own before any data.
   *
   * @throws Refused when the table cannot take {@code schema}
   */
  public static Table evolvedTable(
      JdbcCatalog catalog, LakeSink spec, SinkSchema schema, String who) {
    List<String> partitionBy = spec.partitionBy() == null ? List.of() : spec.partitionBy();
    Schema wanted = IcebergSchemas.schema(schema);
    Table table =
        loadOrCreate(
            catalog,
            TableIdentifier.parse(spec.iceberg().table()),
            wanted,
            IcebergSchemas.spec(wanted, partitionBy));
    Transaction tx = table.newTransaction();
    stageEvolution(tx, wanted, partitionBy, who);
    tx.commitTransaction();
    table.refresh();
    return table;
  }

  /** The snapshot of the table's current history that committed {@code runId}, if any. */
  static Optional<Snapshot> committedSnapshot(Table table, String runId) {
    if (table.currentSnapshot() == null) return Optional.empty();
    for (Snapshot s : SnapshotUtil.currentAncestors(table)) {
      if (runId.equals(s.summary().get(IcebergWriter.RUN_ID))) return Optional.of(s);
    }
    return Optional.empty();
  }
}

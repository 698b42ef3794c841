package io.tributary.runtime.batch.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.SinkSchema;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.sink.IcebergTable;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.runtime.batch.BadRecordException;
import io.tributary.runtime.batch.RecordSink;
import io.tributary.runtime.batch.RunFailure;
import io.tributary.runtime.batch.SecretFiles;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends a run to an Apache Iceberg table through Iceberg's JDBC catalog on PostgreSQL.
 *
 * <p>{@link #begin} opens the catalog, creates the namespace and table when missing (columns from
 * spec.schema, identity partitions from partitionBy), and looks for this run id in the snapshot
 * summaries of the table's current history: a run an earlier attempt committed is reported, not
 * written again. Otherwise it decides the schema and partition changes ({@link IcebergEvolution});
 * an incompatible schema fails the run before a byte is written. Records become Parquet data files
 * under the table's {@code data/} directory; {@link #commit} adds them, with the schema changes, in
 * one catalog transaction whose snapshot summary carries {@code tributary.run-id}, {@code
 * tributary.run-attempt} and the run summary. A concurrent commit by another writer makes Iceberg
 * refresh and re-apply ours (optimistic concurrency, {@code commit.retry.num-retries}).
 *
 * <p>At most {@code maxOpenFiles} data files are open at once (each buffers a row group); a record
 * of one more partition closes the least recently written file, so a partition may get several
 * files in one run — one commit publishes them all.
 */
public final class IcebergWriter implements RecordSink {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergWriter.class);

  /** Snapshot summary properties of a run's commit. */
  static final String RUN_ID = "tributary.run-id";

  static final String RUN_ATTEMPT = "tributary.run-attempt";
  static final String RUN_SUMMARY = "tributary.run-summary";

  private final LakeSink spec;

  private final IcebergTable target;
  private final SinkSchema sinkSchema;
  private final WorkerPlan.Run run;
  private final SecretFiles secrets;
  private final List<String> partitionBy;
  private final int maxOpenFiles;

  private JdbcCatalog catalog;
  private Table table;
  private Transaction tx;
  private IcebergDataFiles files;

  public IcebergWriter(LakeSink spec, SinkSchema schema, WorkerPlan.Run run, SecretFiles secrets) {
    this.spec = spec;
    this.target = spec.iceberg();
    if (schema == null) {
      // The plan check refuses an Iceberg sink whose fields are unknown; a worker never guesses.
      throw RunFailure.invalidPlan(
          "sinkSchema: missing; an Iceberg table needs the fields at the sink (spec.schema.fields)");
    }
    this.sinkSchema = schema;
    this.run = run;
    this.secrets = secrets;
    this.partitionBy = spec.partitionBy() == null ? List.of() : spec.partitionBy();
    this.maxOpenFiles = spec.maxOpenFiles();
  }

  @Override
  public Optional<RunSummary> begin() {
    catalog = IcebergTables.openCatalog(spec, secrets);
    TableIdentifier id = TableIdentifier.parse(target.table());
    Schema wanted = IcebergSchemas.schema(sinkSchema);
    table =
        IcebergTables.loadOrCreate(catalog, id, wanted, IcebergSchemas.spec(wanted, partitionBy));
    Optional<Snapshot> done = IcebergTables.committedSnapshot(table, run.id());
    if (done.isPresent()) {
      return Optional.of(reported(done.get()));
    }
    tx = table.newTransaction();
    try {
      IcebergTables.stageEvolution(tx, wanted, partitionBy, "run " + run.id());
    } catch (IcebergTables.Refused e) {
      throw RunFailure.permanent(
          "sink.lake.iceberg: table "
              + target.table()
              + " cannot take the fields at the sink, nothing was written: "
              + e.getMessage(),
          null);
    }
    files =
        new IcebergDataFiles(
            tx.table(), sinkSchema, maxOpenFiles, safe(run.id()) + "-" + run.attempt());
    return Optional.empty();
  }

  private RunSummary reported(Snapshot s) {
    String note =
        "already committed by attempt "
            + s.summary().getOrDefault(RUN_ATTEMPT, "?")
            + " as snapshot "
            + s.snapshotId()
            + " of Iceberg table "
            + target.table()
            + "; nothing written again";
    LOG.info("run {}: {}", run.id(), note);
    String json = s.summary().get(RUN_SUMMARY);
    RunSummary stored;
    try {
      stored = json == null ? null : PlanJson.readSummary(json);
    } catch (JsonProcessingException e) {
      stored = null;
    }
    if (stored == null) {
      long added = Long.parseLong(s.summary().getOrDefault("added-records", "0"));
      stored = RunSummary.succeeded(run.id(), added, added, 0, 0, List.of());
    }
    return stored.withMessage(stored.message() == null ? note : stored.message() + "; " + note);
  }

  @Override
  public void write(ObjectNode record) throws IOException, BadRecordException {
    writePrepared(prepare(record));
  }

  /** Converts a record to a row of the table; thread-safe (reads only what begin fixed). */
  @Override
  public Object prepare(ObjectNode record) throws BadRecordException {
    return files.prepare(record);
  }

  @Override
  public void writePrepared(Object prepared) throws IOException {
    files.write((Record) prepared);
  }

  /** A run id as a file name part: letters, digits, '-', '_' and '.'. */
  static String safe(String runId) {
    return runId.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  @Override
  public void commit(RunSummary summary) throws IOException {
    List<DataFile> closed = files.finish();
    table.refresh();
    Optional<Snapshot> meanwhile = IcebergTables.committedSnapshot(table, run.id());
    if (meanwhile.isPresent()) {
      // Another attempt of this run committed while this one wrote: keep its snapshot only.
      LOG.warn(
          "run {}: committed meanwhile as snapshot {}; discarding this attempt's files",
          run.id(),
          meanwhile.get().snapshotId());
      files.discard();
      return;
    }
    AppendFiles append = tx.newAppend();
    closed.forEach(append::appendFile);
    append.set(RUN_ID, run.id());
    append.set(RUN_ATTEMPT, Integer.toString(run.attempt()));
    append.set(RUN_SUMMARY, compact(summary));
    try {
      append.commit();
      tx.commitTransaction();
    } catch (CommitStateUnknownException e) {
      // The catalog may hold the commit: a retry finds the run id and reports it, or writes anew.
      throw RunFailure.retryable(
          "run " + run.id() + ": the Iceberg catalog did not confirm the commit: " + e.getMessage(),
          e);
    } catch (CommitFailedException e) {
      files.discard();
      throw RunFailure.retryable(
          "run "
              + run.id()
              + ": the Iceberg commit kept conflicting with other writers: "
              + e.getMessage(),
          e);
    }
    table.refresh();
    LOG.info(
        "run {}: committed {} records in {} files to Iceberg table {} as snapshot {}",
        run.id(),
        files.written(),
        closed.size(),
        target.table(),
        IcebergTables.committedSnapshot(table, run.id()).map(Snapshot::snapshotId).orElse(null));
  }

  /** The summary as one line of JSON: snapshot summaries are kept in every metadata file. */
  private static String compact(RunSummary summary) throws IOException {
    return PlanJson.mapper()
        .writer()
        .without(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(summary);
  }

  @Override
  public void abort() {
    if (files != null) files.discard();
  }

  @Override
  public long written() {
    return files == null ? 0 : files.written();
  }

  @Override
  public void close() throws IOException {
    if (catalog != null) catalog.close();
  }
}

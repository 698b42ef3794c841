package io.tributary.runtime.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.SinkSchema;
import io.tributary.pipeline.sink.LakeSink;
import io.tributary.runtime.batch.BadRecordException;
import io.tributary.runtime.batch.SecretFiles;
import io.tributary.runtime.batch.sink.IcebergDataFiles;
import io.tributary.runtime.batch.sink.IcebergTables;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream loop's side of a lake sink (an Apache Iceberg table): the records of one commit
 * interval become Parquet data files, and {@link #commit} adds them in one Iceberg append whose
 * snapshot summary carries the consumed offsets ({@link TableOffsets}). The table is the source of
 * truth for where the stream is: the data and the offsets past it commit together or not at all, so
 * a worker killed at any moment resumes, from {@link #positions}, without loss or duplicates.
 *
 * <p>Workers commit concurrently to one table; Iceberg's optimistic concurrency refreshes and
 * re-applies an append that lost the race ({@code commit.retry.num-retries}), and each append
 * carries only the offsets of its own partitions, so none overwrites another's. Before appending,
 * the writer checks that the table still has its partitions where its interval started: a worker
 * that lost partitions without noticing (paused past the session timeout) finds another worker's
 * offsets there and drops its interval instead of writing the records twice.
 */
final class LakeStream implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LakeStream.class);

  /** The Iceberg side failed; nothing since the last commit may count as committed. */
  static final class Failure extends RuntimeException {
    Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final JdbcCatalog catalog;
  private final Table table;
  private final LakeSink spec;
  private final SinkSchema schema;
  private final String group;
  private final String filePrefix;
  private IcebergDataFiles files;
  private int commits;

  /** Where each partition's current interval started, as the table had it; absent: no offset. */
  private final Map<TopicPartition, Long> base = new HashMap<>();

  private LakeStream(
      JdbcCatalog catalog,
      Table table,
      LakeSink spec,
      SinkSchema schema,
      String group,
      String writer) {
    this.catalog = catalog;
    this.table = table;
    this.spec = spec;
    this.schema = schema;
    this.group = group;
    this.filePrefix = writer.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + UUID.randomUUID();
  }

  /**
   * Creates the table or evolves it to spec.schema and partitionBy, once per worker before any loop
   * starts.
   *
   * @throws IcebergTables.Refused when the table cannot take spec.schema
   */
  static void prepareTable(StreamSettings s, SecretFiles secrets) throws IOException {
    try (JdbcCatalog catalog = IcebergTables.openCatalog(s.lake(), secrets)) {
      Table t =
          IcebergTables.evolvedTable(
              catalog, s.lake(), s.sinkSchema(), "stream " + s.pipelineName());
      LOG.info("lake sink: Iceberg table {} at {}", s.lake().iceberg().table(), t.location());
    }
  }

  /**
   * A loop's own catalog connection and view of the table, its files named after {@code writer}.
   */
  static LakeStream open(StreamSettings s, SecretFiles secrets, String writer) {
    JdbcCatalog catalog = IcebergTables.openCatalog(s.lake(), secrets);
    try {
      Table table = catalog.loadTable(TableIdentifier.parse(s.lake().iceberg().table()));
      return new LakeStream(catalog, table, s.lake(), s.sinkSchema(), s.group(), writer);
    } catch (RuntimeException e) {
      closeQuietly(catalog);
      throw e;
    }
  }

  /**
   * Writes one output into this interval's data files.
   *
   * @throws BadRecordException when the record does not fit the table (a dead letter)
   */
  void write(ObjectNode out) throws BadRecordException {
    try {
      if (files == null) {
        files =
            new IcebergDataFiles(table, schema, spec.maxOpenFiles(), filePrefix + "-" + commits);
      }
      Record row = files.prepare(out);
      files.write(row);
    } catch (IOException | RuntimeException e) {
      throw new Failure("cannot write a data file of " + table.name() + ": " + e, e);
    }
  }

  /**
   * One Iceberg append: this interval's data files and {@code offsets} (the next offset to read of
   * every partition read since the last commit) in its snapshot summary.
   *
   * @throws Failure when the append did not commit or its outcome is unknown; either way the caller
   *     rewinds to {@link #positions}, which tell which it was
   */
  void commit(Map<TopicPartition, Long> offsets) {
    IcebergDataFiles done = files;
    files = null;
    commits++;
    List<DataFile> added;
    try {
      added = done == null ? List.of() : done.finish();
    } catch (IOException | RuntimeException e) {
      done.discard();
      throw new Failure("cannot finish the data files of " + table.name() + ": " + e, e);
    }
    Optional<String> moved;
    try {
      table.refresh();
      moved = TableOffsets.movedOn(newest(offsets.keySet()), base, offsets.keySet());
    } catch (RuntimeException e) {
      if (done != null) done.discard();
      throw new Failure("cannot read the offsets in " + table.name() + ": " + e, e);
    }
    if (moved.isPresent()) {
      if (done != null) done.discard();
      throw new Failure(moved.get(), null);
    }
    AppendFiles append = table.newAppend();
    added.forEach(append::appendFile);
    append.set(TableOffsets.GROUP, group);
    append.set(TableOffsets.OFFSETS, TableOffsets.encode(offsets));
    try {
      append.commit();
    } catch (CommitStateUnknownException e) {
      // The files may be referenced now: keep them. The table tells where to resume.
      throw new Failure("the Iceberg catalog did not confirm the commit: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (done != null) done.discard();
      throw new Failure("the Iceberg commit to " + table.name() + " failed: " + e, e);
    }
    base.putAll(offsets);
    LOG.debug("committed {} files, offsets {}", added.size(), offsets);
  }

  /** Forgets this interval's records: their files are deleted, nothing references them. */
  void discard() {
    if (files != null) files.discard();
    files = null;
  }

  /**
   * Where each of {@code partitions} resumes: the next offset the table's newest commit of this
   * group recorded for it. Partitions the table knows nothing of are absent.
   */
  Map<TopicPartition, Long> positions(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> found;
    try {
      table.refresh();
      found = newest(partitions);
    } catch (RuntimeException e) {
      throw new Failure("cannot read the offsets in " + table.name() + ": " + e, e);
    }
    partitions.forEach(base::remove);
    base.putAll(found);
    return found;
  }

  /** The newest offsets of {@code partitions} in the table as last refreshed. */
  private Map<TopicPartition, Long> newest(Collection<TopicPartition> partitions) {
    Iterable<Map<String, String>> summaries =
        () ->
            StreamSupport.stream(SnapshotUtil.currentAncestors(table).spliterator(), false)
                .map(Snapshot::summary)
                .iterator();
    return TableOffsets.find(summaries, group, partitions);
  }

  @Override
  public void close() {
    discard();
    closeQuietly(catalog);
  }

  private static void closeQuietly(JdbcCatalog c) {
    try {
      c.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the Iceberg catalog: {}", e.toString());
    }
  }
}

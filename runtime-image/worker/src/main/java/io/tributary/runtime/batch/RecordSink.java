package io.tributary.runtime.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.events.TableCommit;
import io.tributary.pipeline.plan.RunSummary;
import java.util.List;
import java.util.Optional;

/**
 * Where a batch run's records go. Writes are invisible until {@link #commit}; a sink is idempotent
 * per run id, so a retried run never doubles the output.
 */
public interface RecordSink extends AutoCloseable {

  /**
   * Prepares the run. Returns the summary of this run id when an earlier attempt already committed
   * it (the worker then reports it and writes nothing), else empty.
   */
  default Optional<RunSummary> begin() throws Exception {
    return Optional.empty();
  }

  /** Writes one record; throws {@link BadRecordException} when this record cannot be stored. */
  void write(ObjectNode record) throws Exception;

  /**
   * Turns a record into what {@link #writePrepared} stores (e.g. typed column values), so that this
   * work can run on a source's reading threads. Must be thread-safe and touch no sink state; the
   * default hands the record through unchanged.
   */
  default Object prepare(ObjectNode record) throws BadRecordException {
    return record;
  }

  /** Writes what {@link #prepare} returned. */
  default void writePrepared(Object prepared) throws Exception {
    write((ObjectNode) prepared);
  }

  /** Writes out anything buffered, before the run's counts are taken; nothing is visible yet. */
  default void flush() throws Exception {}

  /**
   * Records the store refused after {@link #write} returned (a pipelined write whose reply came
   * with a later write or the {@link #flush}), each with why; handed out once. They are not in
   * {@link #written()}: the run dead-letters them at step {@code sink}.
   */
  default List<Lane.Rejected> drainRejected() {
    return List.of();
  }

  /**
   * Makes everything written visible, atomically where the store allows; {@code summary} is the
   * run's result so far.
   */
  void commit(RunSummary summary) throws Exception;

  /**
   * Where the run's output was committed, for the run's succeeded event: known after {@link
   * #commit}, or after {@link #begin} found the run committed by an earlier attempt. Empty for
   * sinks that have no such place to name (a table written row by row, a topic). A table format
   * with snapshots (Iceberg) reports its snapshot id here.
   */
  default Optional<TableCommit> committed() {
    return Optional.empty();
  }

  /** Discards what this attempt wrote and was not committed. Never throws. */
  void abort();

  /** Records written so far. */
  long written();

  @Override
  default void close() throws Exception {}
}

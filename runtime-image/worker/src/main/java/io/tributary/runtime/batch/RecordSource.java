package io.tributary.runtime.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a batch run's records come from. A source reads to its end once. Sources that read in
 * parallel internally still hand every record to the handler on the calling thread, so the
 * transform chain and the sink never see concurrent calls.
 */
public interface RecordSource extends AutoCloseable {

  /** Receives what a source reads. */
  interface Handler {
    /** One record. */
    void accept(ObjectNode record) throws Exception;

    /** Input that cannot become a record (unparseable line, non-object JSON): dead-lettered. */
    void reject(String reason, String raw) throws Exception;

    /**
     * A lane for one of the source's reading threads, or null when the chain must run on the
     * calling thread. Called on the calling thread, once per reading thread.
     */
    default Lane lane() {
      return null;
    }

    /** What a lane produced, on the calling thread. */
    default void acceptProcessed(Lane.Batch batch) throws Exception {
      throw new UnsupportedOperationException("this handler hands out no lanes");
    }
  }

  /** Reads every record of this run into {@code out}. */
  void read(Handler out) throws Exception;

  /** The new high watermark after a complete read of an incremental source, else null. */
  default String watermark() {
    return null;
  }

  /**
   * What the run summary should tell the user about this read beyond the counts (rows it skipped by
   * design, say), or null.
   */
  default String notice() {
    return null;
  }

  /** Runs once the sink has committed, e.g. to commit Kafka consumer offsets. */
  default void afterCommit() throws Exception {}

  @Override
  default void close() throws Exception {}
}

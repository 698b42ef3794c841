package io.tributary.runtime.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The transform chain running on a source's own reading thread (a fork of the chain, with its own
 * state and counts), so a source that reads partitions in parallel transforms them in parallel too.
 * Only stateless chains fork: dedupe and aggregate must see every record in one place.
 */
public interface Lane {

  /** Runs one record through this lane's chain, collecting the outcome in {@code batch}. */
  void process(ObjectNode record, Batch batch);

  /** A rejected record and why. */
  record Rejected(ObjectNode record, BadRecordException reason) {}

  /**
   * Input the source could not make a record of, and why (see {@link RecordSource.Handler#reject}).
   */
  record Unreadable(String reason, String raw) {}

  /**
   * What a lane made of a run of input records: the chain's output already {@linkplain
   * RecordSink#prepare prepared} for the sink, and the records the chain or the sink's preparation
   * rejected. Handed to the sink on the run's thread.
   */
  final class Batch {
    final List<Object> prepared = new ArrayList<>();
    final List<Rejected> rejected = new ArrayList<>();
    final List<Rejected> sinkRejected = new ArrayList<>();
    final List<Unreadable> unreadable = new ArrayList<>();
    long inputs;

    /** Input of this batch that is not a record, dead-lettered at step {@code source}. */
    public void unreadable(String reason, String raw) {
      unreadable.add(new Unreadable(reason, raw));
    }
  }
}

package io.tributary.runtime.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.runtime.ops.WorkerMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Moves records from the source through the chain into the sink, dead-lettering rejects, and keeps
 * the metrics in step with the counts.
 */
final class Flow implements RecordSource.Handler {
  /** Records between two updates of the in/out counters (every reject is counted at once). */
  private static final int SHOW_EVERY = 1024;

  private final RecordProcessor chain;
  private final RecordSink sink;
  private final DeadLetters dlq;
  private final BatchWorker.Counters c;
  private final Progress progress;
  private final WorkerMetrics metrics;
  private Exception sinkFailure;
  private long shownIn;
  private long shownOut;

  Flow(
      RecordProcessor chain,
      RecordSink sink,
      DeadLetters dlq,
      BatchWorker.Counters c,
      Duration interval,
      WorkerMetrics metrics) {
    this.metrics = metrics;
    this.chain = chain;
    this.sink = sink;
    this.dlq = dlq;
    this.c = c;
    this.progress = new Progress(interval);
  }

  @Override
  public void accept(ObjectNode record) throws Exception {
    c.read++;
    try {
      chain.process(record, this::toSink);
    } catch (BadRecordException e) {
      c.transformRejected++;
      deadLetter(e, record);
    }
    rethrow();
    ticked();
  }

  @Override
  public Lane lane() {
    RecordProcessor fork = chain.fork();
    if (fork == null) {
      return null;
    }
    return (record, batch) -> {
      batch.inputs++;
      try {
        fork.process(
            record,
            out -> {
              try {
                batch.prepared.add(sink.prepare(out));
              } catch (BadRecordException e) {
                batch.sinkRejected.add(new Lane.Rejected(out, e));
              }
            });
      } catch (BadRecordException e) {
        batch.rejected.add(new Lane.Rejected(record, e));
      }
    };
  }

  @Override
  public void acceptProcessed(Lane.Batch batch) throws Exception {
    for (Lane.Unreadable u : batch.unreadable) {
      reject(u.reason(), u.raw());
    }
    c.read += batch.inputs;
    c.transformRejected += batch.rejected.size();
    for (Lane.Rejected r : batch.rejected) {
      deadLetter(r.reason(), r.record());
    }
    for (Lane.Rejected r : batch.sinkRejected) {
      c.sinkIn++;
      c.sinkRejected++;
      deadLetterOutput(r.reason(), r.record());
    }
    for (Object out : batch.prepared) {
      c.sinkIn++;
      sink.writePrepared(out);
    }
    drainSinkRejects();
    rethrow();
    ticked();
  }

  @Override
  public void reject(String reason, String raw) throws IOException {
    c.read++;
    c.sourceRejected++;
    dlq.write("source", reason, null, raw);
    metrics.rejected("source", dlq.keeps());
  }

  /** The chain's output; a Consumer, so failures are parked and rethrown by the caller. */
  void toSink(ObjectNode out) {
    if (sinkFailure != null) {
      return;
    }
    c.sinkIn++;
    try {
      sink.write(out);
      drainSinkRejects();
    } catch (BadRecordException e) {
      c.sinkRejected++;
      try {
        deadLetterOutput(e, out);
      } catch (IOException io) {
        throw new UncheckedIOException(io);
      }
    } catch (Exception e) {
      sinkFailure = e;
    }
  }

  /** Dead-letters what the sink refused after accepting it (a pipelined write's reply). */
  void drainSinkRejects() throws IOException {
    for (Lane.Rejected r : sink.drainRejected()) {
      c.sinkRejected++;
      deadLetterOutput(r.reason(), r.record());
    }
  }

  void rejectedInFlush(ObjectNode record, BadRecordException e) {
    c.transformRejected++;
    deadLetterUnchecked(e, record);
  }

  private void deadLetter(BadRecordException e, ObjectNode record) throws IOException {
    dlq.write(e.step(), e.getMessage(), record, null);
    metrics.rejected(e.step(), dlq.keeps());
  }

  /** A record the chain delivered and the sink refused. */
  private void deadLetterOutput(BadRecordException e, ObjectNode record) throws IOException {
    dlq.writeOutput(e.step(), e.getMessage(), record);
    metrics.rejected(e.step(), dlq.keeps());
  }

  private void deadLetterUnchecked(BadRecordException e, ObjectNode record) {
    try {
      deadLetter(e, record);
    } catch (IOException io) {
      throw new UncheckedIOException(io);
    }
  }

  void rethrow() throws Exception {
    if (sinkFailure != null) {
      throw sinkFailure;
    }
  }

  private void ticked() {
    if (c.read - shownIn >= SHOW_EVERY) {
      showCounts();
    }
    progress.tick(c.read, sink.written(), c.rejected());
  }

  /** Brings tributary_worker_records_in_total and _out_total up to the run's counts. */
  void showCounts() {
    metrics.recordsIn.inc(c.read - shownIn);
    shownIn = c.read;
    long written = sink.written();
    if (written > shownOut) {
      metrics.recordsOut.inc(written - shownOut);
      shownOut = written;
    }
  }
}

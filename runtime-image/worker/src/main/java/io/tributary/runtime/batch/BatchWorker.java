package io.tributary.runtime.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.Durations;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.TerminationMessage;
import io.tributary.runtime.lineage.LineageEmitter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one DataPipeline run: source → transform chain → sink, with rejected records dead-lettered,
 * and reports the outcome the way the operator reads it — the exit code ({@link ExitCodes}) and a
 * JSON {@link RunSummary} in the termination message.
 */
public final class BatchWorker {
  private static final Logger LOG = LoggerFactory.getLogger(BatchWorker.class);

  private final WorkerPlan plan;
  private final Path terminationLog;
  private final String runId;

  /**
   * A worker for the run {@code plan} was compiled for; the summary goes to {@code terminationLog}.
   */
  public BatchWorker(WorkerPlan plan, Path terminationLog) {
    this.plan = plan;
    this.terminationLog = terminationLog;
    this.runId = plan.run().id();
  }

  /** Runs the plan, writes the summary to the termination log and returns the exit code. */
  public static int run(Path planPath, WorkerPlan plan) {
    LOG.info(
        "running DataPipeline plan {}: run {} attempt {}",
        planPath,
        plan.run().id(),
        plan.run().attempt());
    return new BatchWorker(plan, TerminationMessage.path()).run();
  }

  public int run() {
    MDC.put("runId", runId);
    long started = System.currentTimeMillis();
    Counters counters = new Counters();
    RunSummary summary;
    int code;
    LineageEmitter lineage = LineageEmitter.create(plan, runId);
    try {
      summary = execute(counters, started, lineage);
      code = ExitCodes.OK;
    } catch (Throwable e) {
      code = Failures.exitCode(e);
      String message = describe(e);
      LOG.error(
          "run {} failed ({}): {}",
          runId,
          code == ExitCodes.RETRYABLE ? "retryable" : "permanent",
          message,
          e);
      summary =
          new RunSummary(
              runId,
              RunSummary.FAILED,
              ExitCodes.isRetryable(code) ? RunSummary.RETRYABLE : RunSummary.PERMANENT,
              message,
              counters.read,
              0,
              counters.rejected(),
              System.currentTimeMillis() - started,
              null,
              counters.steps());
      RunSummary failed = summary;
      lineage(lineage, "FAIL", () -> lineage.fail(failed));
    } finally {
      lineage(lineage, "close", lineage::close);
    }
    TerminationMessage.write(summary, terminationLog);
    LOG.info("run {} {}: {}", runId, summary.outcome(), TerminationMessage.render(summary));
    MDC.remove("runId");
    return code;
  }

  private RunSummary execute(Counters counters, long started, LineageEmitter lineage)
      throws Exception {
    if (plan.source() == null || plan.sink() == null) {
      throw RunFailure.invalidPlan("plan: a DataPipeline plan needs source and sink");
    }
    SecretFiles secrets = SecretFiles.of(plan);
    try (RecordProcessor chain = Transforms.compile(plan, secrets);
        RecordSource source = Sources.open(plan, secrets, plan.run().watermark());
        RecordSink sink = Sinks.open(plan, secrets, runId, source);
        DeadLetters dlq = DeadLetters.open(plan, secrets, runId)) {
      Optional<RunSummary> committed = sink.begin();
      if (committed.isPresent()) {
        LOG.info("run {} was already committed by an earlier attempt; reporting it", runId);
        lineage(lineage, "COMPLETE", () -> lineage.complete(committed.get()));
        return committed.get();
      }
      lineage(lineage, "START", lineage::start);
      try {
        Flow flow = new Flow(chain, sink, dlq, counters, progressInterval());
        source.read(flow);
        chain.flush(flow::toSink, flow::rejectedInFlush);
        flow.rethrow();
        sink.flush();
        checkRejections(counters, dlq);
        RunSummary summary =
            new RunSummary(
                runId,
                RunSummary.SUCCEEDED,
                null,
                message(dlq.note(), source.notice()),
                counters.read,
                sink.written(),
                counters.rejected(),
                System.currentTimeMillis() - started,
                source.watermark(),
                counters.steps(chain, sink.written()));
        // Dead letters first: once the sink has committed, nothing may fail the run any more.
        dlq.close();
        sink.commit(summary);
        try {
          source.afterCommit();
        } catch (Exception e) {
          // The output is committed; failing now would make a retry write it again. The next
          // run reads these records again instead (at-least-once for this one step).
          LOG.warn("run {}: committing the source position failed: {}", runId, e.toString());
        }
        lineage(lineage, "COMPLETE", () -> lineage.complete(summary));
        return summary;
      } catch (Throwable e) {
        sink.abort();
        throw e;
      }
    }
  }

  /**
   * Runs one lineage call. Lineage is reporting, never part of the run: whatever it throws (an
   * event that cannot be built, an Error) is logged, so it can neither fail a committed run nor
   * keep the run summary from being written.
   */
  private void lineage(LineageEmitter lineage, String what, Runnable call) {
    try {
      call.run();
    } catch (Throwable e) {
      LOG.warn("run {}: lineage {} failed, the run is not affected: {}", runId, what, e.toString());
    }
  }

  private Duration progressInterval() {
    return Durations.parse(plan.progressInterval());
  }

  /** The parts of a successful run's message that are there, or null. */
  private static String message(String... parts) {
    String m = Arrays.stream(parts).filter(Objects::nonNull).collect(Collectors.joining("; "));
    return m.isEmpty() ? null : m;
  }

  private void checkRejections(Counters c, DeadLetters dlq) {
    double max = plan.deadLetter().maxRejectedRatio();
    long rejected = c.rejected();
    if (c.read > 0 && rejected > max * c.read) {
      throw RunFailure.permanent(
          String.format(
              "%d of %d records rejected (%.2f%%), above deadLetter.maxRejectedRatio %s; nothing"
                  + " was committed. %s",
              rejected, c.read, 100.0 * rejected / c.read, max, dlq.note()),
          null);
    }
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && !(root instanceof RunFailure)) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null ? root.getClass().getSimpleName() : m;
  }

  /** The run's counts; {@code read} includes input the source could not decode. */
  static final class Counters {
    long read;
    long sourceRejected;
    long transformRejected;
    long sinkIn;
    long sinkRejected;

    long rejected() {
      return sourceRejected + transformRejected + sinkRejected;
    }

    List<RunSummary.StepCount> steps() {
      return List.of(
          new RunSummary.StepCount("source", read, read - sourceRejected, sourceRejected));
    }

    List<RunSummary.StepCount> steps(RecordProcessor chain, long written) {
      List<RunSummary.StepCount> out = new ArrayList<>(steps());
      out.addAll(chain.steps());
      out.add(new RunSummary.StepCount("sink", sinkIn, written, sinkRejected));
      return out;
    }
  }

  /** Moves records from the source through the chain into the sink, dead-lettering rejects. */
  private final class Flow implements RecordSource.Handler {
    private final RecordProcessor chain;
    private final RecordSink sink;
    private final DeadLetters dlq;
    private final Counters c;
    private final Progress progress;
    private Exception sinkFailure;

    Flow(RecordProcessor chain, RecordSink sink, DeadLetters dlq, Counters c, Duration interval) {
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
        dlq.write(e.step(), e.getMessage(), record, null);
      }
      rethrow();
      progress.tick(c.read, sink.written(), c.rejected());
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
      c.read += batch.inputs;
      c.transformRejected += batch.rejected.size();
      for (Lane.Rejected r : batch.rejected) {
        dlq.write(r.reason().step(), r.reason().getMessage(), r.record(), null);
      }
      for (Lane.Rejected r : batch.sinkRejected) {
        c.sinkIn++;
        c.sinkRejected++;
        dlq.write(r.reason().step(), r.reason().getMessage(), r.record(), null);
      }
      for (Object out : batch.prepared) {
        c.sinkIn++;
        sink.writePrepared(out);
      }
      rethrow();
      progress.tick(c.read, sink.written(), c.rejected());
    }

    @Override
    public void reject(String reason, String raw) throws IOException {
      c.read++;
      c.sourceRejected++;
      dlq.write("source", reason, null, raw);
    }

    /** The chain's output; a Consumer, so failures are parked and rethrown by the caller. */
    void toSink(ObjectNode out) {
      if (sinkFailure != null) {
        return;
      }
      c.sinkIn++;
      try {
        sink.write(out);
      } catch (BadRecordException e) {
        c.sinkRejected++;
        try {
          dlq.write(e.step(), e.getMessage(), out, null);
        } catch (IOException io) {
          throw new UncheckedIOException(io);
        }
      } catch (Exception e) {
        sinkFailure = e;
      }
    }

    void rejectedInFlush(ObjectNode record, BadRecordException e) {
      c.transformRejected++;
      try {
        dlq.write(e.step(), e.getMessage(), record, null);
      } catch (IOException io) {
        throw new UncheckedIOException(io);
      }
    }

    void rethrow() throws Exception {
      if (sinkFailure != null) {
        throw sinkFailure;
      }
    }
  }
}

package io.tributary.runtime.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.Durations;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.lineage.LineageEmitter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  static final double DEFAULT_MAX_REJECTED_RATIO = 0.01;

  /** The run id; the same for every attempt of a run (the operator sets it on each Job). */
  public static final String ENV_RUN_ID = "TRIBUTARY_RUN_ID";

  /** The incremental source's high watermark after the last successful run, if any. */
  public static final String ENV_WATERMARK = "TRIBUTARY_WATERMARK";

  private final WorkerPlan plan;
  private final Path terminationLog;
  private final String runId;
  private final String watermark;

  /**
   * @param env the run's environment: {@value #ENV_RUN_ID} (else the plan's runId, else a local id)
   *     and {@value #ENV_WATERMARK}
   */
  public BatchWorker(WorkerPlan plan, Path terminationLog, Map<String, String> env) {
    this.plan = plan;
    this.terminationLog = terminationLog;
    String id = env.get(ENV_RUN_ID);
    if (id == null || id.isBlank()) id = plan.runId();
    this.runId = id != null ? id : "local-" + System.currentTimeMillis();
    String wm = env.get(ENV_WATERMARK);
    this.watermark = wm == null || wm.isBlank() ? null : wm;
  }

  /** Where the summary goes instead of /dev/termination-log, for runs outside Kubernetes. */
  public static final String ENV_TERMINATION_LOG = "TRIBUTARY_TERMINATION_LOG";

  /** Runs the plan, writes the summary to /dev/termination-log and returns the exit code. */
  public static int run(WorkerPlan plan) {
    Map<String, String> env = System.getenv();
    String log = env.get(ENV_TERMINATION_LOG);
    return new BatchWorker(plan, log == null ? TerminationMessage.DEFAULT_PATH : Path.of(log), env)
        .run();
  }

  /** {@link #run(WorkerPlan)}, as {@code Main} calls it. */
  public static int run(Path planPath, WorkerPlan plan) {
    LOG.info("running DataPipeline plan {}", planPath);
    return run(plan);
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
      lineage.fail(summary);
    } finally {
      lineage.close();
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
        RecordSource source = Sources.open(plan, secrets, watermark);
        RecordSink sink = Sinks.open(plan, secrets, runId, source);
        DeadLetters dlq = DeadLetters.open(plan, runId)) {
      Optional<RunSummary> committed = sink.begin();
      if (committed.isPresent()) {
        LOG.info("run {} was already committed by an earlier attempt; reporting it", runId);
        lineage.complete(committed.get());
        return committed.get();
      }
      lineage.start();
      try {
        Flow flow = new Flow(chain, sink, dlq, counters, progressInterval());
        source.read(flow);
        chain.flush(flow::toSink, flow::rejectedInFlush);
        flow.rethrow();
        sink.flush();
        checkRejections(counters);
        RunSummary summary =
            new RunSummary(
                runId,
                RunSummary.SUCCEEDED,
                null,
                null,
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
        lineage.complete(summary);
        return summary;
      } catch (Throwable e) {
        sink.abort();
        throw e;
      }
    }
  }

  private Duration progressInterval() {
    return Durations.parseOr(plan.progressInterval(), Duration.ofSeconds(10));
  }

  private void checkRejections(Counters c) {
    double max =
        plan.deadLetter() != null && plan.deadLetter().maxRejectedRatio() != null
            ? plan.deadLetter().maxRejectedRatio()
            : DEFAULT_MAX_REJECTED_RATIO;
    long rejected = c.rejected();
    if (c.read > 0 && rejected > max * c.read) {
      throw RunFailure.permanent(
          String.format(
              "%d of %d records rejected (%.2f%%), above deadLetter.maxRejectedRatio %s; nothing"
                  + " was committed. See the dead-letter records for the reasons",
              rejected, c.read, 100.0 * rejected / c.read, max),
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

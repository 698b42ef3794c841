package io.tributary.runtime.batch;

import io.tributary.pipeline.Durations;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.KafkaRefusal;
import io.tributary.runtime.TerminationMessage;
import io.tributary.runtime.events.RunEvents;
import io.tributary.runtime.lineage.LineageEmitter;
import io.tributary.runtime.ops.OpsServer;
import io.tributary.runtime.ops.WorkerMetrics;
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
  private final WorkerMetrics metrics;
  private volatile OpsServer ops;

  /**
   * A worker for the run {@code plan} was compiled for; the summary goes to {@code terminationLog}.
   */
  public BatchWorker(WorkerPlan plan, Path terminationLog) {
    this.plan = plan;
    this.terminationLog = terminationLog;
    this.runId = plan.run().id();
    this.metrics = new WorkerMetrics(plan.pipeline().namespace(), plan.pipeline().name());
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
    RunEvents events = RunEvents.create(plan, metrics);
    try {
      // Served as a StreamJob's are (the pod's liveness probe asks /healthz): the record counters
      // while the run lasts; the run summary holds the same counts at the end.
      ops = new OpsServer(plan.metricsPort(), metrics.registry(), () -> true, () -> true);
      summary = execute(counters, started, lineage, events);
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
      report("failed event", () -> events.failed(failed));
    } finally {
      lineage(lineage, "close", lineage::close);
    }
    TerminationMessage.write(summary, terminationLog);
    LOG.info("run {} {}: {}", runId, summary.outcome(), TerminationMessage.render(summary));
    // After the summary is written: waiting on a slow receiver must not risk the run's result.
    report("events", events::close);
    if (ops != null) {
      ops.close();
      ops = null;
    }
    MDC.remove("runId");
    return code;
  }

  /** The port of /metrics, /healthz and /readyz while the run runs, else -1. */
  int opsPort() {
    OpsServer o = ops;
    return o == null ? -1 : o.port();
  }

  /** The run's Prometheus metrics ({@code tributary_worker_*}, as a stream worker's). */
  public WorkerMetrics metrics() {
    return metrics;
  }

  private RunSummary execute(
      Counters counters, long started, LineageEmitter lineage, RunEvents events) throws Exception {
    if (plan.source() == null || plan.sink() == null) {
      throw RunFailure.invalidPlan("plan: a DataPipeline plan needs source and sink");
    }
    SecretFiles secrets = SecretFiles.of(plan);
    try (RecordProcessor chain = Transforms.compile(plan, secrets, metrics::dropped, metrics);
        RecordSource source = Sources.open(plan, secrets, plan.run().watermark());
        RecordSink sink = Sinks.open(plan, secrets, runId, source);
        DeadLetters dlq = DeadLetters.open(plan, secrets, runId)) {
      Optional<RunSummary> committed = sink.begin();
      if (committed.isPresent()) {
        LOG.info("run {} was already committed by an earlier attempt; reporting it", runId);
        lineage(lineage, "COMPLETE", () -> lineage.complete(committed.get()));
        report(
            "succeeded event",
            () -> events.succeeded(committed.get(), sink.committed().orElse(null)));
        return committed.get();
      }
      lineage(lineage, "START", lineage::start);
      report("started event", events::started);
      Flow flow = new Flow(chain, sink, dlq, counters, progressInterval(), metrics);
      try {
        source.read(flow);
        chain.flush(flow::toSink, flow::rejectedInFlush);
        flow.rethrow();
        sink.flush();
        flow.drainSinkRejects();
        flow.showCounts();
        checkRejections(counters, dlq);
        List<RunSummary.StepCount> steps = counters.steps(chain, sink.written());
        long dropped = steps.stream().mapToLong(RunSummary.StepCount::dropped).sum();
        RunSummary summary =
            new RunSummary(
                    runId,
                    RunSummary.SUCCEEDED,
                    null,
                    message(dlq.note(), dropNote(dropped), source.notice()),
                    counters.read,
                    sink.written(),
                    counters.rejected(),
                    System.currentTimeMillis() - started,
                    source.watermark(),
                    steps)
                .withRecordsDropped(dropped);
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
        report("succeeded event", () -> events.succeeded(summary, sink.committed().orElse(null)));
        return summary;
      } catch (Throwable e) {
        flow.showCounts();
        sink.abort();
        throw e;
      }
    }
  }

  /** What the summary message says of records validate dropped, or null when none. */
  private static String dropNote(long dropped) {
    if (dropped == 0) {
      return null;
    }
    return dropped
        + (dropped == 1 ? " record" : " records")
        + " dropped as invalid (validate onInvalid: drop), not dead-lettered";
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

  /** Runs one call of the run's events: reporting too, so whatever it throws is only logged. */
  private void report(String what, Runnable call) {
    try {
      call.run();
    } catch (Throwable e) {
      LOG.warn("run {}: {} failed, the run is not affected: {}", runId, what, e.toString());
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
    Optional<String> refused = KafkaRefusal.describe(e);
    if (refused.isPresent()) return refused.get();
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
}

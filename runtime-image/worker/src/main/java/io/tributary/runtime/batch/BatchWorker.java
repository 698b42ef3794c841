package io.tributary.runtime.batch;

import io.tributary.pipeline.Durations;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.KafkaRefusal;
import io.tributary.runtime.TerminationMessage;
import io.tributary.runtime.batch.sink.LakeParts;
import io.tributary.runtime.batch.source.JdbcReader;
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
   * For a run split into parts ({@link WorkerPlan.Run#parts()}): the index this worker is, from
   * {@code --part}. Below {@code parts} it reads and stages that part; equal to {@code parts} it
   * commits them all. Null for a run in one pod.
   */
  private final Integer part;

  /** How often the commit index of a run split into parts looks for parts not staged yet. */
  static final Duration PART_POLL = Duration.ofSeconds(2);

  /**
   * A worker for the run {@code plan} was compiled for; the summary goes to {@code terminationLog}.
   */
  public BatchWorker(WorkerPlan plan, Path terminationLog) {
    this(plan, terminationLog, null);
  }

  /**
   * The worker of index {@code part} of a run split into parts, or with {@code part} null, of a run
   * in one pod.
   */
  public BatchWorker(WorkerPlan plan, Path terminationLog, Integer part) {
    this.part = part;
    this.plan = plan;
    this.terminationLog = terminationLog;
    this.runId = plan.run().id();
    this.metrics = new WorkerMetrics(plan.pipeline().namespace(), plan.pipeline().name());
  }

  /** Runs the plan, writes the summary to the termination log and returns the exit code. */
  public static int run(Path planPath, WorkerPlan plan) {
    return run(planPath, plan, null);
  }

  /** {@link #run(Path, WorkerPlan)} as index {@code part} of a run split into parts. */
  public static int run(Path planPath, WorkerPlan plan, Integer part) {
    LOG.info(
        "running DataPipeline plan {}: run {} attempt {}{}",
        planPath,
        plan.run().id(),
        plan.run().attempt(),
        part == null ? "" : ", index " + part + " of " + (plan.run().parts() + 1));
    return new BatchWorker(plan, TerminationMessage.path(), part).run();
  }

  /**
   * What is wrong with running index {@code part} of {@code run}, or null: an index is given
   * exactly when the run is split into parts, and lies in [0, parts] (the last one commits).
   */
  public static String partProblem(WorkerPlan.Run run, Integer part) {
    if (run == null) return null;
    if (!run.parted()) {
      return part == null
          ? null
          : "--part " + part + ": the plan's run is not split into parts (run.parts is not set)";
    }
    if (part == null) {
      return "run.parts: the run is split into "
          + run.parts()
          + " parts; start each pod with --part <index> (0 to "
          + run.parts()
          + ", the last commits)";
    }
    if (part < 0 || part > run.parts()) {
      return "--part " + part + ": out of range 0 to " + run.parts() + " (the last commits)";
    }
    return null;
  }

  /** Whether this worker is a part that reads and stages (it reports nothing of the whole run). */
  private boolean stagesAPart() {
    return part != null && part < plan.run().parts();
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
      String wrongPart = partProblem(plan.run(), part);
      if (wrongPart != null) throw RunFailure.invalidPlan(wrongPart);
      summary =
          part != null && part.equals(plan.run().parts())
              ? commitParts(started, lineage, events)
              : execute(counters, started, lineage, events);
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
    JdbcReader.Part share = stagesAPart() ? new JdbcReader.Part(part, plan.run().parts()) : null;
    try (RecordProcessor chain = Transforms.compile(plan, secrets, metrics::dropped, metrics);
        RecordSource source = Sources.open(plan, secrets, plan.run().watermark(), share);
        RecordSink sink = Sinks.open(plan, secrets, runId, source, stagesAPart() ? part : null);
        DeadLetters dlq =
            DeadLetters.open(
                plan,
                secrets,
                runId,
                stagesAPart() ? runId + "-" + String.format("part-%05d", part) : runId)) {
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

  /**
   * The commit index of a run split into parts: waits until every part has staged its output, then
   * publishes all of them in one commit and reports the parts' counts added up. It waits as long as
   * the Job lets it: Kubernetes stops it at the run timeout (activeDeadlineSeconds), or when a part
   * is out of retries (maxFailedIndexes 0).
   */
  private RunSummary commitParts(long started, LineageEmitter lineage, RunEvents events)
      throws Exception {
    int parts = plan.run().parts();
    SecretFiles secrets = SecretFiles.of(plan);
    try (LakeParts lake = LakeParts.open(plan.sink().lake(), plan.run(), secrets)) {
      lineage(lineage, "START", lineage::start);
      report("started event", events::started);
      long lastNote = 0;
      while (true) {
        Optional<RunSummary> done = lake.tryCommit(parts, System.currentTimeMillis() - started);
        if (done.isPresent()) {
          RunSummary summary = done.get();
          LOG.info("run {}: committed {} parts at once", runId, parts);
          lineage(lineage, "COMPLETE", () -> lineage.complete(summary));
          report("succeeded event", () -> events.succeeded(summary, lake.committed().orElse(null)));
          return summary;
        }
        long now = System.currentTimeMillis();
        if (now - lastNote >= 60_000) {
          LOG.info("run {}: waiting for parts {}", runId, lake.missing(parts));
          lastNote = now;
        }
        Thread.sleep(PART_POLL.toMillis());
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
    if (stagesAPart()) return; // the commit index reports the run once, not once per part
    try {
      call.run();
    } catch (Throwable e) {
      LOG.warn("run {}: lineage {} failed, the run is not affected: {}", runId, what, e.toString());
    }
  }

  /** Runs one call of the run's events: reporting too, so whatever it throws is only logged. */
  private void report(String what, Runnable call) {
    if (stagesAPart()) return;
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

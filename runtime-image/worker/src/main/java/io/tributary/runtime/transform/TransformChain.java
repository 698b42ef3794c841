package io.tributary.runtime.transform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.transform.ValidateTransform.OnInvalid;
import io.tributary.plan.PlanCheck;
import io.tributary.plan.PlanProblem;
import io.tributary.runtime.PlanException;
import io.tributary.runtime.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The plan's transforms, compiled once and run record by record; shared by the stream and batch
 * engines. Records are JSON objects; a step may change a record in place, drop it or emit others.
 *
 * <pre>{@code
 * try (TransformChain chain = TransformChain.compile(plan, Secrets.fromPlan(plan))) {
 *   chain.process(record, out::add);          // throws RejectedRecordException
 *   chain.flush(Instant.now(), out::add);     // closed aggregate windows, dedupe expiry
 * }
 * }</pre>
 *
 * <p>A chain is not thread-safe. Stateful steps (dedupe, aggregate) keep their state in the chain;
 * {@link #fork()} makes a chain with the same compiled steps and empty state (one per partition or
 * per thread). State is saved with {@link #drainStateChanges} / {@link #snapshot} and put back with
 * {@link #restore}.
 */
public final class TransformChain implements AutoCloseable {
  /**
   * @param clock processing time of {@link #process(ObjectNode, Consumer)}
   * @param consentViews opens the consent topic of a consent step
   * @param drops told the step name of every record a validate step with onInvalid drop discards,
   *     as it happens (a metric); forks share it, so it must be thread-safe
   */
  public record Options(
      Clock clock,
      ConsentView.Factory consentViews,
      Consumer<String> drops,
      InferenceObserver inference) {
    public static Options defaults() {
      return new Options(
          Clock.systemUTC(), KafkaConsentView::new, step -> {}, InferenceObserver.NONE);
    }

    public Options withClock(Clock c) {
      return new Options(c, consentViews, drops, inference);
    }

    public Options withConsentViews(ConsentView.Factory f) {
      return new Options(clock, f, drops, inference);
    }

    public Options withDrops(Consumer<String> d) {
      return new Options(clock, consentViews, d, inference);
    }

    /** Told of every model loaded and every call of one (metrics); must be thread-safe. */
    public Options withInference(InferenceObserver o) {
      return new Options(clock, consentViews, drops, o);
    }
  }

  /** What became of each record of {@link #processAll}, by its index in the list. */
  public interface BatchOutput {
    /** Record {@code input} produced {@code out} (zero or more times per record). */
    void emit(int input, ObjectNode out);

    /** Record {@code input} was rejected; nothing more comes of it. */
    void rejected(int input, RejectedRecordException e);
  }

  private final Step[] steps;
  private final String[] names;
  private final Clock clock;
  private final List<ConsentView> views;
  private final List<BatchModel> models;
  private final int[] batchSteps;
  private final Consumer<String> drops;
  private final boolean owner;
  private final long[] in;
  private final long[] rejected;
  private final long[] dropped;
  private final Stage[] stages;
  private long delivered;
  private Instant now = Instant.EPOCH;
  private Consumer<ObjectNode> sink = r -> {};
  private int stopAt;

  private TransformChain(
      Step[] steps,
      String[] names,
      Clock clock,
      List<ConsentView> views,
      List<BatchModel> models,
      Consumer<String> drops,
      boolean owner) {
    this.steps = steps;
    this.names = names;
    this.clock = clock;
    this.views = views;
    this.models = models;
    List<Integer> batching = new ArrayList<>();
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] instanceof BatchStep) batching.add(i);
    }
    this.batchSteps = batching.stream().mapToInt(Integer::intValue).toArray();
    this.stopAt = steps.length;
    this.drops = drops;
    this.owner = owner;
    this.in = new long[steps.length];
    this.rejected = new long[steps.length];
    this.dropped = new long[steps.length];
    this.stages = new Stage[steps.length + 1];
    for (int i = 0; i <= steps.length; i++) {
      stages[i] = new Stage(i);
    }
  }

  /**
   * Compiles with the system clock and Kafka consent views; see {@link #compile(WorkerPlan,
   * Secrets, Options)}.
   */
  public static TransformChain compile(WorkerPlan plan, Secrets secrets) {
    return compile(plan, secrets, Options.defaults());
  }

  /**
   * Compiles every step of {@code plan.transforms()}: first the shared static check ({@link
   * PlanCheck#transforms}: CEL, schemas, durations, step settings), then what needs this worker
   * (secret files, consent views). Does no network I/O (consent views connect on first use or in
   * {@link #awaitReady}).
   *
   * @throws PlanException naming the place in the plan (e.g. {@code
   *     transforms[1].filter.expression}, or the step index and name for a secret file) and the
   *     problem
   */
  public static TransformChain compile(WorkerPlan plan, Secrets secrets, Options options) {
    List<PlanProblem> problems =
        PlanCheck.transforms(plan.schema(), plan.transforms(), plan.source());
    if (!problems.isEmpty()) {
      throw PlanException.of(problems.get(0));
    }
    List<TransformSpec> specs = plan.transforms() == null ? List.of() : plan.transforms();
    List<ConsentView> views = new ArrayList<>();
    List<BatchModel> models = new ArrayList<>();
    StepCompiler compiler =
        new StepCompiler(
            plan,
            secrets,
            options.consentViews(),
            views,
            options.inference(),
            models,
            options.clock());
    Step[] steps = new Step[specs.size()];
    String[] names = new String[specs.size()];
    try {
      for (int i = 0; i < specs.size(); i++) {
        names[i] = specs.get(i).stepName(i);
        try {
          steps[i] = compiler.compile(i, specs.get(i));
        } catch (RuntimeException e) {
          throw PlanException.atStep(i, names[i], e.getMessage(), e);
        }
      }
    } catch (PlanException e) {
      views.forEach(ConsentView::close);
      models.forEach(BatchModel::close);
      throw e;
    }
    return new TransformChain(
        steps,
        names,
        options.clock(),
        List.copyOf(views),
        List.copyOf(models),
        options.drops(),
        true);
  }

  /** The same compiled steps with empty state and zero counts; closing a fork closes nothing. */
  public TransformChain fork() {
    Step[] fresh = new Step[steps.length];
    for (int i = 0; i < steps.length; i++) {
      fresh[i] = steps[i].fresh();
    }
    return new TransformChain(fresh, names, clock, views, models, drops, false);
  }

  /**
   * The most records worth gathering for one {@link #processAll} (the smallest batchSize of the
   * infer steps), or 0 when no step gains from batches.
   */
  public int batchSize() {
    int n = 0;
    for (int i : batchSteps) {
      int b = ((BatchStep) steps[i]).batchSize();
      n = n == 0 ? b : Math.min(n, b);
    }
    return n;
  }

  /** The longest a record should wait for its batch to fill; null when nothing batches. */
  public Duration maxWait() {
    Duration d = null;
    for (int i : batchSteps) {
      Duration w = ((BatchStep) steps[i]).maxWait();
      d = d == null || w.compareTo(d) < 0 ? w : d;
    }
    return d;
  }

  /**
   * Runs {@code records} through the chain as one batch: the steps before an infer step see them
   * one by one, in order; the infer step gets them together; and so on. Outputs and rejections are
   * told by input index. Each step sees its input in the same order as record-by-record processing
   * would give it, so state and output are the same, except for the one case {@link
   * io.tributary.plan.PlanCheck} refuses (validate with onInvalid fail after an infer step). A
   * record a validate step halts on (onInvalid fail) is told last, after every record before it has
   * been through the whole chain; the records after it are not processed at all.
   *
   * <p>Without batching steps this is {@link #process(ObjectNode, Instant, Consumer)} per record.
   */
  public void processAll(List<ObjectNode> records, Instant now, BatchOutput out) {
    if (batchSteps.length == 0) {
      for (int i = 0; i < records.size(); i++) {
        int input = i;
        try {
          process(records.get(i), now, o -> out.emit(input, o));
        } catch (RejectedRecordException e) {
          out.rejected(i, e);
          if (e.failsRun()) return;
        }
      }
      return;
    }
    this.now = now;
    List<Tagged> current = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) current.add(new Tagged(i, records.get(i)));
    RejectedRecordException halt = null;
    int haltInput = -1;
    int from = 0;
    for (int k = 0; k <= batchSteps.length; k++) {
      int to = k < batchSteps.length ? batchSteps[k] : steps.length;
      List<Tagged> next = new ArrayList<>();
      stopAt = to;
      try {
        for (Tagged t : current) {
          if (from == to) {
            // Nothing between two batching steps (or after the last one): passes as it is.
            if (to == steps.length) {
              delivered++;
              out.emit(t.input(), t.record());
            } else {
              next.add(t);
            }
            continue;
          }
          int input = t.input();
          sink = to == steps.length ? r -> out.emit(input, r) : r -> next.add(new Tagged(input, r));
          try {
            stages[from].accept(t.record());
          } catch (RejectedRecordException e) {
            if (e.failsRun()) {
              halt = e;
              haltInput = input;
              break;
            }
            out.rejected(input, e);
          }
        }
      } catch (SinkFailure e) {
        throw e.unwrap();
      } finally {
        stopAt = steps.length;
      }
      if (to == steps.length) break;
      current = batch(to, next, out);
      from = to + 1;
    }
    if (halt != null) out.rejected(haltInput, halt);
  }

  /** Step {@code index}, a batching step, on {@code records} together. */
  private List<Tagged> batch(int index, List<Tagged> records, BatchOutput out) {
    in[index] += records.size();
    List<ObjectNode> plain = new ArrayList<>(records.size());
    for (Tagged t : records) plain.add(t.record());
    List<Tagged> next = new ArrayList<>(records.size());
    boolean[] told = new boolean[records.size()];
    try {
      ((BatchStep) steps[index])
          .processBatch(
              plain,
              now,
              new BatchStep.Results() {
                @Override
                public void emit(int i, ObjectNode o) {
                  told[i] = true;
                  next.add(new Tagged(records.get(i).input(), o));
                }

                @Override
                public void refuse(int i, StepRejection reason) {
                  told[i] = true;
                  rejected[index]++;
                  out.rejected(
                      records.get(i).input(),
                      new RejectedRecordException(index, names[index], reason.getMessage(), false));
                }
              });
    } catch (RuntimeException e) {
      // As in Stage: a step that throws rejects what it had not yet dealt with.
      for (int i = 0; i < told.length; i++) {
        if (told[i]) continue;
        rejected[index]++;
        out.rejected(
            records.get(i).input(),
            new RejectedRecordException(
                index,
                names[index],
                "the step failed on this batch ("
                    + e.getClass().getSimpleName()
                    + "); please report it, with the step's settings",
                false));
      }
    }
    return next;
  }

  /** A record on its way through a batch, with the index of the input it came from. */
  private record Tagged(int input, ObjectNode record) {}

  /** Runs one record through the chain at the clock's time. */
  public void process(ObjectNode record, Consumer<ObjectNode> out) {
    process(record, clock.instant(), out);
  }

  /**
   * Runs one record through the chain; {@code out} receives what comes out of the last step.
   *
   * @throws RejectedRecordException when a step rejects the record (route it to the dead letter),
   *     also when a step throws anything else: no record can make the chain throw more than that,
   *     except what {@code out} itself throws, which passes through as it was
   */
  public void process(ObjectNode record, Instant now, Consumer<ObjectNode> out) {
    this.now = now;
    this.sink = out;
    try {
      stages[0].accept(record);
    } catch (SinkFailure e) {
      throw e.unwrap();
    }
  }

  /** Flushes and throws the first rejection of an emitted record. */
  public void flush(Instant now, Consumer<ObjectNode> out) {
    flush(
        now,
        out,
        (r, e) -> {
          throw e;
        });
  }

  /**
   * Emits what is due at {@code now} (aggregate windows that ended; {@code Instant.MAX} emits all
   * of them, as at the end of a batch run) and expires dedupe keys. Emitted records run through the
   * steps after the one that emitted them; a rejected one goes to {@code rejected}.
   */
  public void flush(
      Instant now,
      Consumer<ObjectNode> out,
      BiConsumer<ObjectNode, RejectedRecordException> rejectedHandler) {
    this.sink = out;
    for (int i = 0; i < steps.length; i++) {
      Stage next = stages[i + 1];
      int index = i;
      steps[i].flush(
          now,
          r -> {
            ObjectNode original = r.deepCopy();
            try {
              this.now = now;
              next.accept(r);
            } catch (RejectedRecordException e) {
              rejectedHandler.accept(original, e);
            } catch (SinkFailure e) {
              throw e.unwrap();
            }
          },
          (r, refusal) -> {
            rejected[index]++;
            rejectedHandler.accept(
                r, new RejectedRecordException(index, names[index], refusal.getMessage(), false));
          });
    }
  }

  /** Waits until consent views have read their topics. */
  public void awaitReady(Duration timeout) {
    for (ConsentView v : views) {
      v.awaitCaughtUp(timeout);
    }
  }

  public boolean isStateful() {
    for (Step s : steps) {
      if (s instanceof StatefulStep) {
        return true;
      }
    }
    return false;
  }

  /** Hands every state entry changed since the last call (tombstones for removed ones). */
  public void drainStateChanges(Consumer<StateEntry> changes) {
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] instanceof StatefulStep s) {
        String name = names[i];
        s.drainChanges((k, v) -> changes.accept(new StateEntry(name, k, v)));
      }
    }
  }

  /** Every live state entry. */
  public void snapshot(Consumer<StateEntry> entries) {
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] instanceof StatefulStep s) {
        String name = names[i];
        s.snapshot((k, v) -> entries.accept(new StateEntry(name, k, v)));
      }
    }
  }

  /** Puts back one entry, e.g. read from a changelog; entries of unknown steps are ignored. */
  public void restore(StateEntry entry) {
    for (int i = 0; i < steps.length; i++) {
      if (names[i].equals(entry.step()) && steps[i] instanceof StatefulStep s) {
        s.restore(entry.key(), entry.value());
        return;
      }
    }
  }

  /** Entries stateful steps dropped to stay within their bounds since the last call. */
  public long drainEvictions() {
    long n = 0;
    for (Step s : steps) {
      if (s instanceof StatefulStep st) {
        n += st.drainEvictions();
      }
    }
    return n;
  }

  /** Number of live state entries over all stateful steps. */
  public int stateEntries() {
    int n = 0;
    for (Step s : steps) {
      if (s instanceof StatefulStep st) {
        n += st.size();
      }
    }
    return n;
  }

  public List<String> stepNames() {
    return List.of(names);
  }

  /** Records into, out of, rejected and dropped by each step since this chain was made. */
  public List<RunSummary.StepCount> stepCounts() {
    List<RunSummary.StepCount> counts = new ArrayList<>();
    for (int i = 0; i < steps.length; i++) {
      long out = i + 1 < steps.length ? in[i + 1] : delivered;
      counts.add(new RunSummary.StepCount(names[i], in[i], out, rejected[i], dropped[i]));
    }
    return counts;
  }

  @Override
  public void close() {
    if (owner) {
      views.forEach(ConsentView::close);
      models.forEach(BatchModel::close);
    }
  }

  /** Feeds step {@code index}; the stage past the last step delivers to the caller. */
  private final class Stage implements Consumer<ObjectNode> {
    private final int index;

    Stage(int index) {
      this.index = index;
    }

    @Override
    public void accept(ObjectNode record) {
      if (index == stopAt) {
        // The end of the chain, or of the part of it before a batching step (processAll).
        if (index == steps.length) delivered++;
        try {
          sink.accept(record);
        } catch (RuntimeException e) {
          throw new SinkFailure(e);
        }
        return;
      }
      in[index]++;
      try {
        steps[index].process(record, now, stages[index + 1]);
      } catch (StepRejection e) {
        if (e.onInvalid == OnInvalid.DROP) {
          // Gone like a filtered record, but counted where a user looks: the run summary's
          // per-step counts and tributary_worker_records_dropped_total.
          dropped[index]++;
          drops.accept(names[index]);
          return;
        }
        rejected[index]++;
        throw new RejectedRecordException(
            index, names[index], e.getMessage(), e.onInvalid == OnInvalid.FAIL);
      } catch (RejectedRecordException | SinkFailure e) {
        throw e; // from a later step or the caller's sink: already said where
      } catch (RuntimeException e) {
        // A step met a record it was not written for. No record may stop the pipeline: this one
        // is rejected like any other. The reason names the exception type only, since messages
        // of parsing exceptions quote the value.
        rejected[index]++;
        throw new RejectedRecordException(
            index,
            names[index],
            "the step failed on this record ("
                + e.getClass().getSimpleName()
                + "); please report it, with the step's settings",
            false);
      } catch (StackOverflowError e) {
        rejected[index]++;
        throw new RejectedRecordException(
            index, names[index], "the record is nested too deeply for this step", false);
      }
    }
  }

  /**
   * What the caller's sink threw, passed through the steps untouched: a producer that cannot send
   * is the engine's problem, not the record's.
   */
  private static final class SinkFailure extends RuntimeException {
    SinkFailure(RuntimeException cause) {
      super(cause.getMessage(), cause, false, false);
    }

    RuntimeException unwrap() {
      return (RuntimeException) getCause();
    }
  }
}

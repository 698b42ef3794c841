package io.tributary.runtime.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.transform.InferenceObserver;
import io.tributary.runtime.transform.RejectedRecordException;
import io.tributary.runtime.transform.TransformChain;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The plan's {@link TransformChain} as a {@link RecordProcessor}. */
final class Transforms implements RecordProcessor {
  private final TransformChain chain;
  private final boolean forkable;
  private final List<Transforms> forks = new ArrayList<>();

  private Transforms(TransformChain chain, boolean forkable) {
    this.chain = chain;
    this.forkable = forkable;
  }

  /**
   * Compiles the chain; a bad step is a {@code PlanException} (exit 78).
   *
   * @param drops told the step of every record validate drops (onInvalid drop), on any thread
   * @param inference told of infer steps' models and calls (metrics), on any thread
   */
  static RecordProcessor compile(
      WorkerPlan plan, SecretFiles secrets, Consumer<String> drops, InferenceObserver inference) {
    TransformChain chain =
        TransformChain.compile(
            plan,
            secrets.secrets(),
            TransformChain.Options.defaults().withDrops(drops).withInference(inference));
    boolean consent =
        plan.transforms() != null && plan.transforms().stream().anyMatch(t -> t.consent() != null);
    return new Transforms(chain, !chain.isStateful() && !consent);
  }

  @Override
  public RecordProcessor fork() {
    if (!forkable) {
      return null;
    }
    Transforms f = new Transforms(chain.fork(), false);
    forks.add(f);
    return f;
  }

  @Override
  public void process(ObjectNode record, Consumer<ObjectNode> out) throws BadRecordException {
    try {
      chain.process(record, out);
    } catch (RejectedRecordException e) {
      throw rejected(e);
    }
  }

  @Override
  public void flush(Consumer<ObjectNode> out, BiConsumer<ObjectNode, BadRecordException> rejected) {
    // The input has ended, so every aggregation window closes now, however late its event time:
    // the chain saturates Instant.MAX to the largest epoch millis, later than any record.
    chain.flush(Instant.MAX, out, (r, e) -> rejected.accept(r, rejected(e)));
  }

  private static BadRecordException rejected(RejectedRecordException e) {
    if (e.failsRun()) {
      throw RunFailure.permanent(
          e.getMessage() + " (validate.onInvalid is fail, so the run stops)", null);
    }
    return new BadRecordException(e.stepName(), e.reason());
  }

  /** This chain's counts plus its forks' (read after the forks' threads have finished). */
  @Override
  public List<RunSummary.StepCount> steps() {
    List<RunSummary.StepCount> sum = new ArrayList<>(chain.stepCounts());
    for (Transforms f : forks) {
      List<RunSummary.StepCount> more = f.steps();
      for (int i = 0; i < sum.size(); i++) {
        RunSummary.StepCount a = sum.get(i);
        RunSummary.StepCount b = more.get(i);
        sum.set(
            i,
            new RunSummary.StepCount(
                a.step(),
                a.in() + b.in(),
                a.out() + b.out(),
                a.rejected() + b.rejected(),
                a.dropped() + b.dropped()));
      }
    }
    return sum;
  }

  @Override
  public void close() {
    chain.close();
  }
}

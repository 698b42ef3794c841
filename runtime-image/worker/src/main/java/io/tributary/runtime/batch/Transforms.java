package io.tributary.runtime.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.transform.RejectedRecordException;
import io.tributary.runtime.transform.TransformChain;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The plan's {@link TransformChain} as a {@link RecordProcessor}. */
final class Transforms implements RecordProcessor {
  private final TransformChain chain;

  private Transforms(TransformChain chain) {
    this.chain = chain;
  }

  /** Compiles the chain; a bad step is a {@code PlanException} (exit 78). */
  static RecordProcessor compile(WorkerPlan plan, SecretFiles secrets) {
    return new Transforms(TransformChain.compile(plan, secrets.secrets()));
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
    // Instant.MAX: the input has ended, so every aggregation window closes now.
    chain.flush(Instant.MAX, out, (r, e) -> rejected.accept(r, rejected(e)));
  }

  private static BadRecordException rejected(RejectedRecordException e) {
    if (e.failsRun()) {
      throw RunFailure.permanent(
          e.getMessage() + " (validate.onInvalid is fail, so the run stops)", null);
    }
    return new BadRecordException(e.stepName(), e.reason());
  }

  @Override
  public List<RunSummary.StepCount> steps() {
    return chain.stepCounts();
  }

  @Override
  public void close() {
    chain.close();
  }
}

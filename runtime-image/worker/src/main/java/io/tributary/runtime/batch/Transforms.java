package io.tributary.runtime.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import java.util.List;
import java.util.function.Consumer;

/** Builds the transform chain of a plan. */
final class Transforms {
  private Transforms() {}

  static RecordProcessor compile(WorkerPlan plan, SecretFiles secrets) {
    if (plan.transforms() != null && !plan.transforms().isEmpty()) {
      throw RunFailure.invalidPlan(
          "transforms: this runtime build has no transform library yet; remove spec.transforms");
    }
    return new RecordProcessor() {
      @Override
      public void process(ObjectNode record, Consumer<ObjectNode> out) {
        out.accept(record);
      }

      @Override
      public void flush(Consumer<ObjectNode> out) {}

      @Override
      public List<RunSummary.StepCount> steps() {
        return List.of();
      }
    };
  }
}

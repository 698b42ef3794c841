package io.tributary.runtime.batch;

import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.WorkerPlan;
import java.nio.file.Path;

/** Placeholder until the batch engine lands (branch runtime-batch replaces this class). */
public final class BatchWorker {
  private BatchWorker() {}

  /** Runs a DataPipeline plan and returns the process exit code. */
  public static int run(Path planPath, WorkerPlan plan) {
    System.err.println("plan " + planPath + ": batch engine not in this build");
    return ExitCodes.INVALID_PLAN;
  }
}

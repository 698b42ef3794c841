package io.tributary.runtime.stream;

import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.runtime.Secrets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** A stream worker on a thread of the test JVM, stopped as SIGTERM would stop it. */
final class InProcessWorker implements AutoCloseable {
  final StreamWorker worker;
  final CompletableFuture<Integer> exit = new CompletableFuture<>();

  private InProcessWorker(StreamWorker worker) {
    this.worker = worker;
  }

  static InProcessWorker start(String planJson, Path secretsDir, String instanceId) {
    WorkerPlan plan;
    try {
      plan = PlanJson.readPlan(planJson);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    Secrets secrets = Secrets.fromDir(secretsDir);
    InProcessWorker w =
        new InProcessWorker(
            new StreamWorker(StreamSettings.from(plan, secrets), plan, secrets, instanceId));
    Thread t =
        new Thread(
            () -> {
              try {
                w.exit.complete(w.worker.runUntilStopped());
              } catch (Throwable e) {
                w.exit.completeExceptionally(e);
              }
            },
            "worker-" + instanceId);
    t.setDaemon(true);
    t.start();
    return w;
  }

  double recordsIn() {
    var m = worker.metrics();
    return m == null ? 0 : m.recordsIn.get();
  }

  @Override
  public void close() {
    worker.stopAndWait();
  }
}

package io.tributary.runtime.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.pipeline.TransformSpec;
import io.tributary.pipeline.plan.WorkerPlan;
import io.tributary.pipeline.transform.InferTransform.ExecutionProvider;
import io.tributary.runtime.PlanException;
import io.tributary.runtime.Secrets;
import io.tributary.runtime.testing.TestModels;
import io.tributary.runtime.testing.TestPlans;
import io.tributary.runtime.transform.RejectedRecordException;
import io.tributary.runtime.transform.TransformChain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The infer step's throughput on CPU and on CUDA, side by side (not a test: e2e/gpu-check.sh runs
 * it on a machine with an NVIDIA GPU). Usage: {@code InferBenchmark <model.onnx> <batchSize>
 * <records>}; the model takes float[batch, 3] {@code features} and gives {@code score}.
 */
public final class InferBenchmark {
  private InferBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    int batch = Integer.parseInt(args[1]);
    int records = Integer.parseInt(args[2]);
    Path dir = Files.createTempDirectory("gpu-check");
    TestModels.mount(dir, "score", "model.onnx", model);
    System.out.printf(
        Locale.ROOT, "%-6s %8s %10s %14s%n", "run on", "batch", "records", "records/s");
    for (ExecutionProvider p : ExecutionProvider.values()) {
      try (TransformChain chain = chain(dir, batch, p)) {
        run(chain, batch, Math.min(records, batch * 20)); // warm-up: CUDA kernels, allocator
        long start = System.nanoTime();
        int out = run(chain, batch, records);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            Locale.ROOT, "%-6s %8d %10d %14.0f%n", p.label(), batch, out, out / seconds);
      } catch (PlanException e) {
        System.out.printf(Locale.ROOT, "%-6s not available: %s%n", p.label(), e.getMessage());
      }
    }
  }

  private static TransformChain chain(Path dir, int batch, ExecutionProvider provider) {
    WorkerPlan plan =
        TestPlans.compile(
            "{\"kind\":\"StreamJob\",\"source\":{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:9\","
                + "\"topics\":[\"in\"]}},\"sink\":{\"kafka\":{\"bootstrapServers\":\"127.0.0.1:9\","
                + "\"topic\":\"out\"}},\"modelsDir\":\""
                + dir
                + "\",\"transforms\":[{\"name\":\"score\",\"infer\":{\"model\":{\"configMap\":"
                + "{\"name\":\"m\",\"key\":\"model.onnx\"}},\"inputs\":[{\"tensor\":\"features\","
                + "\"fields\":[\"amount\",\"age\",\"risk\"]}],\"outputs\":[{\"tensor\":\"score\","
                + "\"field\":\"score\"}],\"batchSize\":"
                + batch
                + "}}]}");
    TransformSpec step = plan.transforms().get(0);
    WorkerPlan on =
        plan.toBuilder()
            .transforms(List.of(step.withInfer(step.infer().withExecutionProvider(provider))))
            .build();
    return TransformChain.compile(on, Secrets.fromDir(dir));
  }

  /** {@code n} records through the chain in batches; returns how many came out. */
  private static int run(TransformChain chain, int batch, int n) {
    int[] out = {0};
    for (int from = 0; from < n; from += batch) {
      List<ObjectNode> records = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + batch); i++) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("amount", i % 5000).put("age", i % 40).put("risk", (i % 10) / 10.0);
        records.add(r);
      }
      chain.processAll(
          records,
          Instant.EPOCH,
          new TransformChain.BatchOutput() {
            @Override
            public void emit(int input, ObjectNode o) {
              out[0]++;
            }

            @Override
            public void rejected(int input, RejectedRecordException e) {
              throw e;
            }
          });
    }
    return out[0];
  }
}

package io.tributary.operator.autoscale;

import java.time.Duration;
import java.util.Locale;

/**
 * Autoscaling reaction, Tributary against the defaults of KEDA + HPA (workers) and of the
 * cluster-autoscaler (node pools), measured side by side in one run (issue #10). A benchmark, not a
 * test: {@code operator/bench-autoscale.sh} runs it; docs/benchmarks.md has a run's tables.
 *
 * <p>Simulated clocks drive the real decision code: {@link StreamWorld} and {@link PoolWorld} move
 * in steps of one second, {@link LagAutoscaler} and {@link PoolAutoscaler} decide at the moments
 * the operator would make them decide ({@link StreamJobLoop}, {@link ComputePoolLoop}, with the
 * operator's own intervals), and {@link KedaHpaModel} and {@link ClusterAutoscalerModel} stand in
 * for the others. Each periodic loop runs at every phase of its period against the trace (the lag
 * poller's 30 s, KEDA's and the HPA's, the cluster-autoscaler's scan), and the tables aggregate
 * over the phases. Nothing here measures the time a Kafka admin call, a watch event or a reconcile
 * takes: that is outside the simulation for every contender alike.
 *
 * <p>{@code --phases N} sweeps N phases (default 30, one per second of the lag poll). {@code
 * --trace NAME [--phase P]} prints instead, for one worker trace at one phase (default 0), every
 * size change each contender made and why.
 */
public final class AutoscalingBenchmark {
  static final Duration TICK = Duration.ofSeconds(1);

  private AutoscalingBenchmark() {}

  public static void main(String[] args) {
    int phases = 30;
    String only = null;
    int phase = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--phases" -> phases = Integer.parseInt(args[++i]);
        case "--trace" -> only = args[++i];
        case "--phase" -> phase = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (only != null) {
      WorkerBenchmark.printTrace(only, Duration.ofSeconds(phase));
      return;
    }
    long start = System.nanoTime();
    WorkerBenchmark.print(phases);
    PoolBenchmark.print();
    System.out.printf(
        Locale.ROOT, "%n(simulated in %.1f s of wall time)%n", (System.nanoTime() - start) / 1e9);
  }

  static String num(double v) {
    if (Double.isNaN(v)) return "—";
    return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%.1f", v);
  }
}

package io.tributary.operator.autoscale;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.reconcile.ComputePoolReconciler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The node-pool half of {@link AutoscalingBenchmark}: a CPU pool and a GPU pool (the trace tests'
 * pools, both with the default scaleDownDelay), four hours of GPU and CPU workers arriving and
 * leaving, sized by {@link PoolAutoscaler} as the ComputePool reconciler drives it ({@link
 * ComputePoolLoop}) and by the {@link ClusterAutoscalerModel} at every phase of its scan interval.
 * Nodes register as soon as they are asked for and turn Ready {@link #BOOT} later, for both.
 */
final class PoolBenchmark {
  private static final long GI = 1L << 30;
  static final Duration LENGTH = Duration.ofHours(4);
  static final Duration BOOT = Duration.ofSeconds(90);
  private static final Duration TICK = AutoscalingBenchmark.TICK;

  private PoolBenchmark() {}

  /** A worker arriving ({@code requests} set) or leaving. */
  record Event(Duration at, String pool, String worker, Requests requests) {}

  /** Workers that arrived at one moment on one pool. */
  record Wave(Duration at, String pool, List<String> workers) {
    String describe() {
      return workers.size() + " " + pool + " worker" + (workers.size() == 1 ? "" : "s");
    }
  }

  /** Sizes the pools: called at every tick, after the pools moved. */
  interface Sizer {
    void tick(Duration t);

    /** Workers evicted from nodes it removed. */
    default int evictions() {
      return 0;
    }
  }

  /** One run: reactions by wave (null where the wave fit the capacity there was), and totals. */
  record Result(
      List<Long> reactions,
      Map<String, Double> nodeMinutes,
      double idleNodeMinutes,
      double waitingWorkerMinutes,
      int evictions,
      int scaleUps,
      int scaleDowns) {}

  static ComputePoolSpec cpuPool() {
    return PoolAutoscalerTest.CPU_POOL.withScaleDownDelay(null);
  }

  static ComputePoolSpec gpuPool() {
    return PoolAutoscalerTest.GPU_POOL.withScaleDownDelay(null);
  }

  private static Requests cpu(long millis, long gi) {
    return Requests.of(millis, gi * GI);
  }

  private static final Requests GPU = cpu(4_000, 16).with(PoolAutoscalerTest.GPU, 1);

  /** Who arrives and leaves when. */
  static List<Event> trace() {
    List<Event> e = new ArrayList<>();
    // CPU pool, 2 nodes at the start. A stream job: 4 workers, 10 from minute 10, back to 4 at 70
    // (a Deployment scaling down takes pods from the nodes that hold most of them, so the 4 left
    // are spread over 3 nodes), 1 at 150, none at 200. A 6-worker batch 30-50; a small batch of 8
    // every 20 minutes from 90 to 138.
    Requests stream = cpu(4_000, 8);
    for (int i = 0; i < 10; i++) {
      int leaves = i == 0 ? 200 : i == 1 || i == 4 || i == 8 ? 150 : 70;
      workers(e, "cpu", "stream-a-" + i, i < 4 ? 0 : 10, leaves, stream);
    }
    for (int i = 0; i < 6; i++) workers(e, "cpu", "batch-b-" + i, 30, 50, cpu(6_000, 16));
    for (int m = 90; m <= 130; m += 20) {
      for (int i = 0; i < 8; i++)
        workers(e, "cpu", "batch-c" + m + "-" + i, m, m + 8, cpu(2_000, 4));
    }
    // GPU pool, empty at the start: one worker at 5 min, six from 20 to 60, the first gone at 80;
    // a 12-minute job at 120 and again at 150; two workers 200-215.
    for (int i = 0; i < 6; i++)
      workers(e, "gpu", "gpu-1-" + i, i == 0 ? 5 : 20, i == 0 ? 80 : 60, GPU);
    for (int i = 0; i < 3; i++) workers(e, "gpu", "gpu-2a-" + i, 120, 132, GPU);
    for (int i = 0; i < 3; i++) workers(e, "gpu", "gpu-2b-" + i, 150, 162, GPU);
    for (int i = 0; i < 2; i++) workers(e, "gpu", "gpu-3-" + i, 200, 215, GPU);
    e.sort((x, y) -> x.at().compareTo(y.at()));
    return e;
  }

  /** A worker arriving at minute {@code in} and leaving at minute {@code out}. */
  private static void workers(
      List<Event> e, String pool, String name, int in, int out, Requests r) {
    e.add(new Event(Duration.ofMinutes(in), pool, name, r));
    e.add(new Event(Duration.ofMinutes(out), pool, name, null));
  }

  static List<Wave> waves(List<Event> events) {
    Map<String, Wave> byKey = new LinkedHashMap<>();
    for (Event x : events) {
      if (x.requests() == null) continue;
      byKey
          .computeIfAbsent(x.at() + x.pool(), k -> new Wave(x.at(), x.pool(), new ArrayList<>()))
          .workers()
          .add(x.worker());
    }
    return List.copyOf(byKey.values());
  }

  /** Runs the trace; {@code sizer} is given the pools and then called at every tick. */
  static Result run(Function<Map<String, PoolWorld>, Sizer> sizer) {
    Map<String, PoolWorld> worlds = new LinkedHashMap<>();
    worlds.put("cpu", new PoolWorld(cpuPool(), PoolAutoscalerTest.CPU_NODE, 2));
    worlds.put("gpu", new PoolWorld(gpuPool(), PoolAutoscalerTest.GPU_NODE, 0));
    worlds.values().forEach(w -> w.bootTime = BOOT);
    Sizer tick = sizer.apply(worlds);
    List<Event> events = trace();
    List<Wave> waves = waves(events);
    Long[] reactions = new Long[waves.size()];
    boolean[] open = new boolean[waves.size()];
    Map<String, Double> nodeSeconds = new LinkedHashMap<>();
    double idle = 0;
    double waiting = 0;
    int ups = 0;
    int downs = 0;
    int next = 0;
    for (Duration t = Duration.ZERO; t.compareTo(LENGTH) <= 0; t = t.plus(TICK)) {
      if (!t.isZero()) worlds.values().forEach(w -> w.advance(TICK));
      while (next < events.size() && events.get(next).at().equals(t)) {
        Event x = events.get(next++);
        PoolWorld w = worlds.get(x.pool());
        if (x.requests() != null) w.add(x.worker(), x.requests());
        else w.remove(x.worker());
      }
      worlds.values().forEach(PoolWorld::schedule);
      for (int i = 0; i < waves.size(); i++) {
        Wave v = waves.get(i);
        if (v.at().equals(t)) open[i] = unbound(worlds.get(v.pool()), v) > 0;
      }
      Map<String, Integer> before = new LinkedHashMap<>();
      worlds.forEach((name, w) -> before.put(name, w.target));
      tick.tick(t);
      for (var entry : worlds.entrySet()) {
        PoolWorld w = entry.getValue();
        int was = before.get(entry.getKey());
        if (w.target > was) ups++;
        if (w.target < was) downs++;
        for (int i = 0; i < waves.size(); i++) {
          Wave v = waves.get(i);
          if (!open[i] || !v.pool().equals(entry.getKey())) continue;
          if (w.target > was) {
            reactions[i] = t.minus(v.at()).toSeconds();
            open[i] = false;
          } else if (unbound(w, v) == 0) {
            open[i] = false; // it fit the capacity there was, or on its way
          }
        }
        nodeSeconds.merge(entry.getKey(), (double) w.nodes.size() * TICK.toSeconds(), Double::sum);
        for (PoolWorld.Node n : w.nodes) {
          if (w.view(n).readySince().isPresent() && w.workersOn(n) == 0) idle += TICK.toSeconds();
        }
        waiting += w.waiting() * TICK.toSeconds();
      }
    }
    Map<String, Double> nodeMinutes = new LinkedHashMap<>();
    nodeSeconds.forEach((k, v) -> nodeMinutes.put(k, v / 60));
    return new Result(
        Arrays.asList(reactions),
        nodeMinutes,
        idle / 60,
        waiting / 60,
        tick.evictions(),
        ups,
        downs);
  }

  /** Workers of the wave still there and not bound to a node. */
  private static long unbound(PoolWorld w, Wave v) {
    return w.workers.stream().filter(x -> v.workers().contains(x.name) && x.node == null).count();
  }

  static void print() {
    System.out.printf(
        Locale.ROOT,
        "%n## Node pools: %d h of arriving and leaving workers, 1 s ticks%n%n"
            + "Pools: CPU (16 CPU / 64Gi nodes, %d-%d nodes, 2 at the start) and GPU (96 CPU /"
            + " 1152Gi / 4 GPUs, %d-%d nodes, empty at the start); scaleDownDelay %s (the"
            + " default); nodes Ready %d s after they are asked for.%n"
            + "Tributary: PoolAutoscaler on every change of the pool's workers or nodes, and"
            + " %d s after each reconcile at the latest (ComputePoolReconciler.RESYNC).%n"
            + "cluster-autoscaler: scan-interval %d s, scale-down-unneeded-time %d min,"
            + " scale-down-delay-after-add %d min, utilization threshold %.1f; %d phases of the"
            + " scan.%n%n",
        LENGTH.toHours(),
        PoolAutoscaler.Bounds.of(cpuPool()).min(),
        PoolAutoscaler.Bounds.of(cpuPool()).max(),
        PoolAutoscaler.Bounds.of(gpuPool()).min(),
        PoolAutoscaler.Bounds.of(gpuPool()).max(),
        LagAutoscaler.human(PoolAutoscaler.Bounds.of(cpuPool()).scaleDownDelay()),
        BOOT.toSeconds(),
        ComputePoolReconciler.RESYNC.toSeconds(),
        ClusterAutoscalerModel.SCAN_INTERVAL.toSeconds(),
        ClusterAutoscalerModel.SCALE_DOWN_UNNEEDED_TIME.toMinutes(),
        ClusterAutoscalerModel.SCALE_DOWN_DELAY_AFTER_ADD.toMinutes(),
        ClusterAutoscalerModel.SCALE_DOWN_UTILIZATION_THRESHOLD,
        ClusterAutoscalerModel.SCAN_INTERVAL.toSeconds());
    Result tributary =
        run(
            worlds -> {
              List<ComputePoolLoop> loops =
                  worlds.values().stream().map(ComputePoolLoop::new).toList();
              return t -> loops.forEach(ComputePoolLoop::tick);
            });
    List<Result> ca = new ArrayList<>();
    for (long p = 0; p < ClusterAutoscalerModel.SCAN_INTERVAL.toSeconds(); p++) {
      Duration phase = Duration.ofSeconds(p);
      ca.add(
          run(
              worlds -> {
                var model = new ClusterAutoscalerModel(List.copyOf(worlds.values()), phase);
                return new Sizer() {
                  @Override
                  public void tick(Duration t) {
                    model.tick(t);
                  }

                  @Override
                  public int evictions() {
                    return model.evictions;
                  }
                };
              }));
    }
    List<Wave> waves = waves(trace());
    System.out.println(
        "| wave at (min) | workers | Tributary reaction (s) | cluster-autoscaler reaction mean /"
            + " max (s) |");
    System.out.println("|---:|---|---:|---:|");
    for (int i = 0; i < waves.size(); i++) {
      final int w = i;
      List<Long> caw = ca.stream().map(r -> r.reactions().get(w)).filter(x -> x != null).toList();
      Long tw = tributary.reactions().get(i);
      System.out.printf(
          Locale.ROOT,
          "| %d | %s | %s | %s |%n",
          waves.get(i).at().toMinutes(),
          waves.get(i).describe(),
          tw == null ? "fit, no growth" : tw.toString(),
          caw.isEmpty()
              ? "fit, no growth"
              : AutoscalingBenchmark.num(caw.stream().mapToLong(x -> x).average().orElse(0))
                  + " / "
                  + caw.stream().mapToLong(x -> x).max().orElse(0)
                  + (caw.size() < ca.size() ? " (" + caw.size() + " of " + ca.size() + ")" : ""));
    }
    System.out.println();
    System.out.println(
        "| autoscaler | reaction mean / max (s) | waves grown for | node-minutes CPU + GPU |"
            + " idle node-minutes | worker-minutes waiting | evictions | scale-ups / -downs |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    row("Tributary (PoolAutoscaler)", List.of(tributary));
    row("cluster-autoscaler defaults", ca);
    System.out.println();
    double tMean = mean(List.of(tributary), Result::idleNodeMinutes);
    System.out.printf(
        Locale.ROOT,
        "Ratios Tributary / cluster-autoscaler: reaction mean %s, node-minutes %s, idle"
            + " node-minutes %s, worker-minutes waiting %s.%n",
        ratio(meanReaction(List.of(tributary)), meanReaction(ca)),
        ratio(
            mean(List.of(tributary), PoolBenchmark::nodeMinutes),
            mean(ca, PoolBenchmark::nodeMinutes)),
        ratio(tMean, mean(ca, Result::idleNodeMinutes)),
        ratio(
            mean(List.of(tributary), Result::waitingWorkerMinutes),
            mean(ca, Result::waitingWorkerMinutes)));
    long worst = reactions(List.of(tributary)).stream().mapToLong(x -> x).max().orElse(0);
    System.out.printf(
        Locale.ROOT,
        "Target: reaction <= one poll interval + 1 s. The ComputePool reconciler has no poll: the"
            + " worker's unschedulable pod is its event. Tributary's worst: %d s simulated, plus the"
            + " watch and reconcile latency the simulation leaves out: %s.%n",
        worst,
        worst <= 1 ? "met" : "MISSED");
  }

  private static void row(String name, List<Result> runs) {
    List<Long> r = reactions(runs);
    System.out.printf(
        Locale.ROOT,
        "| %s | %s / %d | %s | %s | %s | %s | %s | %s / %s |%n",
        name,
        AutoscalingBenchmark.num(meanReaction(runs)),
        r.stream().mapToLong(x -> x).max().orElse(0),
        AutoscalingBenchmark.num((double) r.size() / runs.size()),
        AutoscalingBenchmark.num(mean(runs, x -> x.nodeMinutes().get("cpu")))
            + " + "
            + AutoscalingBenchmark.num(mean(runs, x -> x.nodeMinutes().get("gpu"))),
        AutoscalingBenchmark.num(mean(runs, Result::idleNodeMinutes)),
        AutoscalingBenchmark.num(mean(runs, Result::waitingWorkerMinutes)),
        AutoscalingBenchmark.num(mean(runs, x -> x.evictions())),
        AutoscalingBenchmark.num(mean(runs, x -> x.scaleUps())),
        AutoscalingBenchmark.num(mean(runs, x -> x.scaleDowns())));
  }

  private static double nodeMinutes(Result r) {
    return r.nodeMinutes().values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static List<Long> reactions(List<Result> runs) {
    return runs.stream().flatMap(r -> r.reactions().stream()).filter(x -> x != null).toList();
  }

  private static double meanReaction(List<Result> runs) {
    return reactions(runs).stream().mapToLong(x -> x).average().orElse(Double.NaN);
  }

  private static double mean(List<Result> runs, java.util.function.ToDoubleFunction<Result> f) {
    return runs.stream().mapToDouble(f).average().orElse(Double.NaN);
  }

  private static String ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b)) return "—";
    if (b == 0) return a == 0 ? "1.00" : "∞";
    return String.format(Locale.ROOT, "%.2f", a / b);
  }
}

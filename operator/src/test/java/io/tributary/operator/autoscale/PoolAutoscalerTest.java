package io.tributary.operator.autoscale;

import static io.tributary.operator.autoscale.PoolWorld.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.ComputePoolSpec.Taint;
import io.tributary.operator.api.PoolScaleReason;
import io.tributary.operator.autoscale.PoolAutoscaler.Decision;
import io.tributary.operator.autoscale.PoolAutoscaler.NodeAction;
import io.tributary.operator.autoscale.PoolNode.Cordon;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Node pools: waiting workers and idle nodes in, scale decisions out. */
class PoolAutoscalerTest {
  private static final long GI = 1L << 30;
  static final String GPU = "nvidia.com/gpu";
  private static final ComputePoolSpec.ScaleTargetRef MD =
      new ComputePoolSpec.ScaleTargetRef(
          "cluster.x-k8s.io/v1beta2", "MachineDeployment", "pool", "capi-system");

  static final ComputePoolSpec GPU_POOL =
      ComputePoolSpec.of("me-central-1", Map.of("tributary.io/pool", "gpu-a100"))
          .withTaints(List.of(new Taint(GPU, "present", Taint.Effect.NO_SCHEDULE)))
          .withAccelerator(new ComputePoolSpec.Accelerator(GPU, "A100", 4))
          .withNodeTemplate(new ComputePoolSpec.NodeTemplate("p4d.24xlarge", "96", "1152Gi"))
          .withNodes(0, 4)
          .withScaleDownDelay("15m")
          .withScaleTargetRef(MD);
  static final Requests GPU_NODE = Requests.of(96_000, 1152 * GI).with(GPU, 4);

  static final ComputePoolSpec CPU_POOL =
      ComputePoolSpec.of("me-central-1", Map.of("tributary.io/pool", "cpu-standard"))
          .withNodeTemplate(new ComputePoolSpec.NodeTemplate("m6i.4xlarge", "16", "64Gi"))
          .withNodes(1, 20)
          .withScaleDownDelay("10m")
          .withScaleTargetRef(MD);
  static final Requests CPU_NODE = Requests.of(16_000, 64 * GI);

  /**
   * The placement WorkerPod renders for a worker on {@code pool}: selector, tolerations, region.
   */
  static PendingWorker.Placement placement(ComputePoolSpec pool) {
    List<PendingWorker.Toleration> tolerations = new ArrayList<>();
    if (pool.taints() != null) {
      for (Taint t : pool.taints()) {
        tolerations.add(
            new PendingWorker.Toleration(
                t.key(), t.value() == null ? "Exists" : "Equal", t.value(), t.effect().wireName()));
      }
    }
    return new PendingWorker.Placement(pool.nodeSelector(), tolerations, Set.of(pool.region()));
  }

  private static PendingWorker worker(String name, ComputePoolSpec pool, Requests r) {
    return new PendingWorker(name, placement(pool), r);
  }

  private static Requests gpuWorker() {
    return Requests.of(4_000, 16 * GI).with(GPU, 1);
  }

  private static Requests cpu(long millis, long gi) {
    return Requests.of(millis, gi * GI);
  }

  private static PoolNode ready(String name, int workers, Requests used) {
    PoolNode idle = idle(name, Cordon.NONE);
    return new PoolNode(name, idle.created(), idle.readySince(), Cordon.NONE, workers, used);
  }

  /** A node registered {@code age} ago, Ready since {@code readyFor} ago (empty: not Ready). */
  private static PoolNode node(String name, Duration age, Optional<Duration> readyFor) {
    return new PoolNode(
        name, T0.minus(age), readyFor.map(T0::minus), Cordon.NONE, 0, Requests.NONE);
  }

  private static PoolNode idle(String name, Cordon cordon) {
    return new PoolNode(
        name, T0.minusSeconds(3600), Optional.of(T0.minusSeconds(3000)), cordon, 0, Requests.NONE);
  }

  private static Decision decide(
      ComputePoolSpec spec,
      Requests shape,
      int target,
      List<PoolNode> nodes,
      List<PendingWorker> pending,
      List<PoolAutoscaler.Idle> history,
      Instant now) {
    return PoolAutoscaler.decide(
        new PoolAutoscaler.Inputs(spec, shape, target, nodes, pending, history), now);
  }

  private static List<PendingWorker> gpuWorkers(int n) {
    List<PendingWorker> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(worker("analytics/w-" + i, GPU_POOL, gpuWorker()));
    return out;
  }

  @Test
  void gpuWorkersArePackedByTheAcceleratorsANodeOffers() {
    // {waiting GPU workers (1 GPU, 4 CPU, 16Gi each), nodes asked for from an empty pool}
    int[][] table = {{1, 1}, {3, 1}, {4, 1}, {5, 2}, {9, 3}, {16, 4}};
    for (int[] row : table) {
      Decision d = decide(GPU_POOL, GPU_NODE, 0, List.of(), gpuWorkers(row[0]), null, T0);
      assertThat(d.desiredNodes()).as("%d workers: %s", row[0], d.message()).isEqualTo(row[1]);
      assertThat(d.reason()).contains(PoolScaleReason.PendingWorkers);
      assertThat(d.waitingAtMaximum()).isZero();
    }
  }

  @Test
  void mixedCpuAndMemoryRequestsArePackedFirstFitDecreasing() {
    // 26 CPU and 90Gi in all: two 16-CPU/64Gi nodes hold them, packed biggest first.
    List<PendingWorker> mixed =
        List.of(
            worker("p/a", CPU_POOL, cpu(10_000, 8)),
            worker("p/b", CPU_POOL, cpu(7_000, 8)),
            worker("p/c", CPU_POOL, cpu(6_000, 40)),
            worker("p/d", CPU_POOL, cpu(2_000, 30)),
            worker("p/e", CPU_POOL, cpu(1_000, 4)));
    Decision d =
        decide(CPU_POOL, CPU_NODE, 1, List.of(ready("n0", 3, cpu(15_000, 60))), mixed, null, T0);
    assertThat(d.desiredNodes()).as(d.message()).isEqualTo(3);
    assertThat(d.demand().workers()).isEqualTo(5);
    assertThat(d.demand().requests()).isEqualTo(cpu(26_000, 90));
    assertThat(d.message())
        .contains("5 workers wait (26 CPU, 90Gi memory)", "2 more of the template");

    // Three 9-CPU workers: 27 CPU would fit two nodes by the sum, but no node holds two of them.
    List<PendingWorker> fragmenting =
        List.of(
            worker("p/x", CPU_POOL, cpu(9_000, 1)),
            worker("p/y", CPU_POOL, cpu(9_000, 1)),
            worker("p/z", CPU_POOL, cpu(9_000, 1)));
    Decision f =
        decide(
            CPU_POOL, CPU_NODE, 1, List.of(ready("n0", 3, cpu(15_000, 60))), fragmenting, null, T0);
    assertThat(f.desiredNodes()).as(f.message()).isEqualTo(4);
  }

  @Test
  void aWorkerCountsForThePoolOfItsRegionOnly() {
    var eu =
        ComputePoolSpec.of("eu-west-1", CPU_POOL.nodeSelector())
            .withNodeTemplate(CPU_POOL.nodeTemplate());
    var pools =
        new TreeMap<String, ComputePoolSpec>(Map.of("cpu-eu", eu, "cpu-standard", CPU_POOL));
    // Same node selector in both regions: the worker's region affinity decides.
    var uae = worker("uae-banking/w", CPU_POOL, cpu(1_000, 1));
    assertThat(PoolTargeting.owner(uae, pools)).contains("cpu-standard");
    assertThat(PoolTargeting.targets(uae, "cpu-eu", eu)).isFalse();
    var euWorker = worker("analytics/w", eu, cpu(1_000, 1));
    assertThat(PoolTargeting.owner(euWorker, pools)).contains("cpu-eu");
    // A pool of the wrong region is never grown, even with nothing else to grow.
    assertThat(PoolTargeting.owner(uae, new TreeMap<>(Map.of("cpu-eu", eu)))).isEmpty();
  }

  @Test
  void cpuWorkNeverGrowsAnAcceleratorPoolNorGpuWorkACpuPool() {
    // CPU work that even names the GPU pool's selector and tolerates its taint.
    var cpuOnGpuPool = worker("p/cpu", GPU_POOL, cpu(1_000, 1));
    assertThat(PoolTargeting.targets(cpuOnGpuPool, "gpu-a100", GPU_POOL)).isFalse();
    var gpuOnCpuPool = worker("p/gpu", CPU_POOL, gpuWorker());
    assertThat(PoolTargeting.targets(gpuOnCpuPool, "cpu-standard", CPU_POOL)).isFalse();
    assertThat(PoolTargeting.targets(worker("p/ok", GPU_POOL, gpuWorker()), "gpu-a100", GPU_POOL))
        .isTrue();
    // More accelerators per worker than a node offers: the pool's accelerator rule refuses it.
    assertThat(
            PoolTargeting.targets(
                worker("p/big", GPU_POOL, Requests.of(1_000, GI).with(GPU, 8)),
                "gpu-a100",
                GPU_POOL))
        .isFalse();
  }

  @Test
  void aWorkerThatDoesNotTolerateThePoolsTaintOrNamesNoPoolIsNotItsDemand() {
    var noToleration =
        new PendingWorker(
            "p/w",
            new PendingWorker.Placement(GPU_POOL.nodeSelector(), List.of(), Set.of()),
            gpuWorker());
    assertThat(PoolTargeting.targets(noToleration, "gpu-a100", GPU_POOL)).isFalse();
    var anywhere =
        new PendingWorker(
            "p/w", new PendingWorker.Placement(Map.of(), List.of(), Set.of()), cpu(1, 1));
    assertThat(PoolTargeting.targets(anywhere, "cpu-standard", CPU_POOL)).isFalse();
    // "Exists" without a key tolerates every taint, as in Kubernetes.
    var all =
        new PendingWorker(
            "p/w",
            new PendingWorker.Placement(
                GPU_POOL.nodeSelector(),
                List.of(new PendingWorker.Toleration(null, "Exists", null, null)),
                Set.of()),
            gpuWorker());
    assertThat(PoolTargeting.targets(all, "gpu-a100", GPU_POOL)).isTrue();
  }

  @Test
  void twoPoolsThatWouldBothTakeAWorkerDoNotBothGrowForIt() {
    var zoned =
        ComputePoolSpec.of("me-central-1", Map.of("tributary.io/pool", "cpu-standard", "zone", "a"))
            .withNodeTemplate(CPU_POOL.nodeTemplate());
    var pools =
        new TreeMap<String, ComputePoolSpec>(Map.of("b-zoned", zoned, "a-standard", CPU_POOL));
    var w = worker("p/w", CPU_POOL, cpu(1_000, 1));
    assertThat(PoolTargeting.targets(w, "b-zoned", zoned)).isTrue();
    assertThat(PoolTargeting.owner(w, pools)).contains("a-standard");
  }

  @Test
  void growthStopsAtMaxNodesAndSaysWhoIsLeftWaiting() {
    Decision d =
        decide(
            GPU_POOL, GPU_NODE, 1, List.of(ready("g0", 4, gpuWorker())), gpuWorkers(20), null, T0);
    // 4 nodes at most: 3 new nodes hold 12 of the 20, 8 keep waiting.
    assertThat(d.desiredNodes()).isEqualTo(4);
    assertThat(d.waitingAtMaximum()).isEqualTo(8);
    assertThat(d.message()).contains("8 of them find no room within maxNodes 4");
    // Already at the maximum: nothing to ask for.
    List<PoolNode> full = new ArrayList<>();
    for (int i = 0; i < 4; i++)
      full.add(ready("g" + i, 4, Requests.of(16_000, 64 * GI).with(GPU, 4)));
    Decision atMax = decide(GPU_POOL, GPU_NODE, 4, full, gpuWorkers(2), null, T0);
    assertThat(atMax.desiredNodes()).isEqualTo(4);
    assertThat(atMax.reason()).isEmpty();
    assertThat(atMax.waitingAtMaximum()).isEqualTo(2);
  }

  @Test
  void minNodesIsKeptWithoutWorkersAndNeverUndercut() {
    Decision d = decide(CPU_POOL, CPU_NODE, 0, List.of(), List.of(), null, T0);
    assertThat(d.desiredNodes()).isEqualTo(1);
    assertThat(d.reason()).contains(PoolScaleReason.BelowMinNodes);
    // Three idle nodes for an hour, minNodes 1: two may go, one stays.
    var longIdle =
        List.of(
            new PoolAutoscaler.Idle("n0", T0.minusSeconds(3600)),
            new PoolAutoscaler.Idle("n1", T0.minusSeconds(3500)),
            new PoolAutoscaler.Idle("n2", T0.minusSeconds(3400)));
    List<PoolNode> three =
        List.of(idle("n0", Cordon.NONE), idle("n1", Cordon.NONE), idle("n2", Cordon.NONE));
    Decision cordon = decide(CPU_POOL, CPU_NODE, 3, three, List.of(), longIdle, T0);
    assertThat(cordon.nodeActions())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("n0", NodeAction.CORDON, "n1", NodeAction.CORDON));
  }

  @Test
  void idleNodesAreCordonedAfterScaleDownDelayThenRemovedIfStillEmpty() {
    List<PoolNode> nodes =
        List.of(ready("n0", 1, cpu(2_000, 2)), idle("n1", Cordon.NONE), idle("n2", Cordon.NONE));
    Decision first = decide(CPU_POOL, CPU_NODE, 3, nodes, List.of(), null, T0);
    assertThat(first.nodeActions()).isEmpty();
    assertThat(first.history())
        .containsExactly(new PoolAutoscaler.Idle("n1", T0), new PoolAutoscaler.Idle("n2", T0));
    assertThat(first.recheckAfter()).contains(Duration.ofMinutes(10));

    Instant early = T0.plus(Duration.ofMinutes(10)).minusSeconds(1);
    Decision notYet = decide(CPU_POOL, CPU_NODE, 3, nodes, List.of(), first.history(), early);
    assertThat(notYet.nodeActions()).as(notYet.message()).isEmpty();
    assertThat(notYet.recheckAfter()).contains(Duration.ofSeconds(1));

    Instant due = T0.plus(Duration.ofMinutes(10));
    Decision cordon = decide(CPU_POOL, CPU_NODE, 3, nodes, List.of(), notYet.history(), due);
    assertThat(cordon.nodeActions())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("n1", NodeAction.CORDON, "n2", NodeAction.CORDON));
    assertThat(cordon.desiredNodes()).as("the first step only cordons").isEqualTo(3);
    assertThat(cordon.reason()).contains(PoolScaleReason.IdleNodes);

    List<PoolNode> cordoned =
        List.of(nodes.get(0), idle("n1", Cordon.LEAVING), idle("n2", Cordon.LEAVING));
    Decision remove =
        decide(CPU_POOL, CPU_NODE, 3, cordoned, List.of(), cordon.history(), due.plusSeconds(1));
    assertThat(remove.desiredNodes()).isEqualTo(1);
    assertThat(remove.nodeActions())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("n1", NodeAction.REMOVE, "n2", NodeAction.REMOVE));
    assertThat(remove.reason()).contains(PoolScaleReason.RemovingIdleNodes);

    // The replicas were written but marking the nodes failed: the same decision, not a second cut.
    Decision again =
        decide(CPU_POOL, CPU_NODE, 1, cordoned, List.of(), remove.history(), due.plusSeconds(2));
    assertThat(again.desiredNodes()).isEqualTo(1);
    assertThat(again.nodeActions()).containsEntry("n1", NodeAction.REMOVE);
    // Marked and paid for: nothing more while the infrastructure removes them.
    List<PoolNode> leaving =
        List.of(nodes.get(0), idle("n1", Cordon.REMOVING), idle("n2", Cordon.REMOVING));
    Decision settled =
        decide(CPU_POOL, CPU_NODE, 1, leaving, List.of(), again.history(), due.plusSeconds(3));
    assertThat(settled.desiredNodes()).isEqualTo(1);
    assertThat(settled.nodeActions()).isEmpty();
  }

  @Test
  void aNodeWithAWorkerIsNeverCordonedNorRemoved() {
    var history = List.of(new PoolAutoscaler.Idle("n1", T0.minusSeconds(3600)));
    // n1 was cordoned as idle, but a worker was bound to it just before the cordon took hold.
    PoolNode cordoned = idle("n1", Cordon.LEAVING);
    PoolNode tookOne =
        new PoolNode(
            "n1", cordoned.created(), cordoned.readySince(), Cordon.LEAVING, 1, cpu(1_000, 1));
    Decision d =
        decide(
            CPU_POOL,
            CPU_NODE,
            2,
            List.of(ready("n0", 2, cpu(2_000, 2)), tookOne),
            List.of(),
            history,
            T0);
    assertThat(d.nodeActions())
        .containsExactlyInAnyOrderEntriesOf(Map.of("n1", NodeAction.UNCORDON));
    assertThat(d.desiredNodes()).isEqualTo(2);
    assertThat(d.reason()).contains(PoolScaleReason.NodesNeededAgain);
    assertThat(d.history()).as("a busy node is not idle").isEmpty();
    // Busy nodes are never candidates, however long ago they were idle.
    Decision busy =
        decide(
            CPU_POOL,
            CPU_NODE,
            2,
            List.of(ready("n0", 1, cpu(1, 1)), ready("n1", 1, cpu(1, 1))),
            List.of(),
            history,
            T0);
    assertThat(busy.nodeActions()).isEmpty();
  }

  @Test
  void aRestartedOperatorContinuesFromTheIdleTimesInStatus() {
    List<PoolNode> nodes = List.of(ready("n0", 1, cpu(1_000, 1)), idle("n1", Cordon.NONE));
    // Status says n1 has been idle for 9 minutes; the decision a minute later uses nothing else.
    var fromStatus = List.of(new PoolAutoscaler.Idle("n1", T0.minus(Duration.ofMinutes(9))));
    Decision d = decide(CPU_POOL, CPU_NODE, 2, nodes, List.of(), fromStatus, T0.plusSeconds(60));
    assertThat(d.nodeActions()).containsExactlyInAnyOrderEntriesOf(Map.of("n1", NodeAction.CORDON));
    // Without that memory the count would start again.
    Decision forgot =
        decide(CPU_POOL, CPU_NODE, 2, nodes, List.of(), List.of(), T0.plusSeconds(60));
    assertThat(forgot.nodeActions()).isEmpty();
    assertThat(forgot.recheckAfter()).contains(Duration.ofMinutes(10));
  }

  @Test
  void capacityOnItsWayIsCountedBeforeAskingForMore() {
    PoolNode full = ready("n0", 4, cpu(16_000, 64));
    List<PendingWorker> two =
        List.of(worker("p/a", CPU_POOL, cpu(8_000, 8)), worker("p/b", CPU_POOL, cpu(8_000, 8)));
    // A machine asked for, not registered yet.
    assertThat(decide(CPU_POOL, CPU_NODE, 2, List.of(full), two, null, T0).desiredNodes())
        .isEqualTo(2);
    // Registered, booting.
    PoolNode booting = node("n1", Duration.ofSeconds(90), Optional.empty());
    Decision d = decide(CPU_POOL, CPU_NODE, 2, List.of(full, booting), two, null, T0);
    assertThat(d.desiredNodes()).isEqualTo(2);
    assertThat(d.reason()).isEmpty();
    assertThat(d.message()).contains("they fit the capacity on its way");
    // Ready a few seconds ago: the scheduler has not had its chance yet.
    PoolNode justReady = node("n1", Duration.ofSeconds(90), Optional.of(Duration.ofSeconds(5)));
    Decision grace = decide(CPU_POOL, CPU_NODE, 2, List.of(full, justReady), two, null, T0);
    assertThat(grace.desiredNodes()).isEqualTo(2);
    assertThat(grace.recheckAfter()).contains(Duration.ofSeconds(25));
    // Not Ready ten minutes after registering: broken, not booting, so a replacement is asked for.
    PoolNode broken = node("n1", Duration.ofMinutes(11), Optional.empty());
    assertThat(decide(CPU_POOL, CPU_NODE, 2, List.of(full, broken), two, null, T0).desiredNodes())
        .isEqualTo(3);
  }

  @Test
  void anEmptyReadyNodeTheWorkersDoNotTakeIsNotAReasonToGrow() {
    // The scheduler had minutes to put them on n1 and did not: room is not what they lack.
    Decision d =
        decide(
            CPU_POOL,
            CPU_NODE,
            2,
            List.of(ready("n0", 1, cpu(15_000, 1)), idle("n1", Cordon.NONE)),
            List.of(worker("p/a", CPU_POOL, cpu(2_000, 2))),
            null,
            T0);
    assertThat(d.desiredNodes()).isEqualTo(2);
    assertThat(d.reason()).isEmpty();
    assertThat(d.message())
        .contains("node n1 is Ready and holds no worker", "a node more would not help");
  }

  @Test
  void idleNodesCordonedForRemovalAreReclaimedBeforeNewOnesAreAskedFor() {
    List<PoolNode> nodes = List.of(ready("n0", 1, cpu(15_000, 60)), idle("n1", Cordon.LEAVING));
    Decision d =
        decide(
            CPU_POOL,
            CPU_NODE,
            2,
            nodes,
            List.of(worker("p/a", CPU_POOL, cpu(4_000, 4))),
            null,
            T0);
    assertThat(d.nodeActions())
        .containsExactlyInAnyOrderEntriesOf(Map.of("n1", NodeAction.UNCORDON));
    assertThat(d.desiredNodes()).isEqualTo(2);
    assertThat(d.reason()).contains(PoolScaleReason.NodesNeededAgain);
    // More machines on their way and no worker waiting: the cordoned nodes are kept, not removed.
    Decision coming = decide(CPU_POOL, CPU_NODE, 3, nodes, List.of(), null, T0);
    assertThat(coming.nodeActions())
        .containsExactlyInAnyOrderEntriesOf(Map.of("n1", NodeAction.UNCORDON));
    assertThat(coming.desiredNodes()).isEqualTo(3);
  }

  @Test
  void aWorkerLargerThanANodeIsReportedAndGrowsNothing() {
    Decision d =
        decide(
            CPU_POOL,
            CPU_NODE,
            1,
            List.of(ready("n0", 1, cpu(1_000, 1))),
            List.of(worker("p/huge", CPU_POOL, cpu(32_000, 8))),
            null,
            T0);
    assertThat(d.desiredNodes()).isEqualTo(1);
    assertThat(d.demand().unplaceable()).containsExactly("p/huge");
    assertThat(d.message())
        .contains("p/huge ask(s) for more than one node of spec.nodeTemplate offers");
  }

  @Test
  void withoutAScaleTargetThePoolIsReportedNotResized() {
    Decision d =
        PoolAutoscaler.decide(
            new PoolAutoscaler.Inputs(CPU_POOL, CPU_NODE, null, List.of(), gpuWorkers(0), null),
            T0);
    assertThat(d.desiredNodes()).isNull();
    assertThat(d.nodeActions()).isEmpty();
    assertThat(d.message()).contains("spec.scaleTargetRef is not set");
  }

  /**
   * A GPU StreamJob on a pool at zero nodes: its worker waits, the pool grows by one node, the
   * worker runs there; more workers fill the node and then a second; the job is deleted and the
   * pool shrinks back to zero after scaleDownDelay, one step at a time.
   */
  @Test
  void traceOfAGpuJobArrivingGrowingAndLeaving() {
    PoolWorld world = new PoolWorld(GPU_POOL, GPU_NODE, 0);
    world.add("analytics/w-0", gpuWorker());
    Decision d = world.decide();
    assertThat(d.desiredNodes()).as(d.message()).isEqualTo(1);

    world.step(Duration.ofSeconds(5)); // the node registers, booting
    assertThat(world.target).isEqualTo(1);
    world.step(Duration.ofSeconds(60)); // Ready; the worker is bound
    assertThat(world.waiting()).isZero();

    for (int i = 1; i < 5; i++) world.add("analytics/w-" + i, gpuWorker());
    d = world.step(Duration.ofSeconds(10)); // three fit the first node's GPUs, one waits
    assertThat(world.waiting()).isEqualTo(1);
    assertThat(d.desiredNodes()).as(d.message()).isEqualTo(2);
    world.step(Duration.ofSeconds(5));
    world.step(Duration.ofSeconds(60));
    assertThat(world.waiting()).isZero();
    assertThat(world.target).isEqualTo(2);

    for (int i = 0; i < 5; i++) world.remove("analytics/w-" + i);
    // Seen idle at the first step after; 15 minutes later they may go.
    for (int s = 0; s < 15; s++) world.step(Duration.ofMinutes(1));
    assertThat(world.target).as("not before scaleDownDelay (15m)").isEqualTo(2);
    assertThat(world.nodes).allMatch(n -> n.cordon == Cordon.NONE);
    world.step(Duration.ofMinutes(1));
    assertThat(world.nodes).allMatch(n -> n.cordon == Cordon.LEAVING);
    world.step(Duration.ofSeconds(1));
    assertThat(world.target).isZero();
    world.step(Duration.ofSeconds(1));
    assertThat(world.nodes).isEmpty();

    long ups = 0;
    int last = 0;
    for (Decision x : world.decisions) {
      if (x.desiredNodes() > last) ups++;
      last = x.desiredNodes();
    }
    assertThat(ups)
        .as("one growth per wave of waiting workers, never twice for the same")
        .isEqualTo(2);
  }

  /** Workers come and go faster than scaleDownDelay: the pool never shrinks under them. */
  @Test
  void traceOfChurnShorterThanTheDelayKeepsThePool() {
    PoolWorld world = new PoolWorld(CPU_POOL, CPU_NODE, 2);
    world.add("stream/w", cpu(12_000, 8));
    for (int minute = 0; minute < 60; minute++) {
      // A 12-CPU batch run every 8 minutes, running 5: the second node is idle 3 minutes at most.
      if (minute % 8 == 0) world.add("batch/run-" + minute, cpu(12_000, 8));
      if (minute % 8 == 5) world.remove("batch/run-" + (minute - 5));
      world.step(Duration.ofMinutes(1));
    }
    assertThat(world.decisions).allMatch(x -> x.nodeActions().isEmpty());
    assertThat(world.target).isEqualTo(2);
  }
}

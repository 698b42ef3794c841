package io.tributary.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.autoscale.PoolAutoscaler.Decision;
import io.tributary.operator.autoscale.PoolAutoscaler.NodeAction;
import io.tributary.operator.autoscale.PoolNode.Cordon;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A pool, its infrastructure, its kubelets and a scheduler, simulated in steps so a trace of
 * arriving and leaving workers can be played against the autoscaler: the infrastructure turns the
 * scale target's replicas into nodes (removing the nodes marked for removal first, as Cluster API
 * does with delete-machine), a node turns Ready {@link #bootTime} after it appears, and the
 * scheduler binds waiting workers to Ready, uncordoned nodes with room. Every decision is checked
 * against the promises: within [minNodes, maxNodes] when it moves, never a node with workers
 * removed.
 */
final class PoolWorld {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  final ComputePoolSpec spec;
  final Requests shape;
  Duration bootTime = Duration.ofSeconds(60);
  Instant now = T0;
  int target;
  final List<Node> nodes = new ArrayList<>();
  final List<Worker> workers = new ArrayList<>();
  List<PoolAutoscaler.Idle> history = List.of();
  final List<Decision> decisions = new ArrayList<>();
  private int nodeSeq;

  static final class Node {
    final String name;
    final Instant created;
    Cordon cordon = Cordon.NONE;

    Node(String name, Instant created) {
      this.name = name;
      this.created = created;
    }
  }

  static final class Worker {
    final String name;
    final Requests requests;
    final PendingWorker.Placement placement;
    Node node;

    Worker(String name, Requests requests, PendingWorker.Placement placement) {
      this.name = name;
      this.requests = requests;
      this.placement = placement;
    }
  }

  PoolWorld(ComputePoolSpec spec, Requests shape, int nodes) {
    this.spec = spec;
    this.shape = shape;
    this.target = nodes;
    for (int i = 0; i < nodes; i++)
      this.nodes.add(new Node("node-" + nodeSeq++, T0.minusSeconds(3600)));
  }

  /** A worker of a pipeline placed on this pool, as WorkerPod renders it. */
  Worker add(String name, Requests requests) {
    Worker w = new Worker(name, requests, PoolAutoscalerTest.placement(spec));
    workers.add(w);
    return w;
  }

  void remove(String name) {
    workers.removeIf(w -> w.name.equals(name));
  }

  /** Time passes; then the infrastructure, the kubelets and the scheduler act, then a decision. */
  Decision step(Duration elapsed) {
    advance(elapsed);
    return decide();
  }

  /**
   * Time passes; then the infrastructure, the kubelets and the scheduler act. Whoever sizes the
   * pool (the autoscaler through {@link #decide}, or another model that sets {@link #target} and
   * marks nodes) acts in between.
   */
  void advance(Duration elapsed) {
    now = now.plus(elapsed);
    infrastructure();
    schedule();
  }

  Decision decide() {
    List<PendingWorker> pending =
        workers.stream()
            .filter(w -> w.node == null)
            .map(w -> new PendingWorker(w.name, w.placement, w.requests))
            .toList();
    List<PoolNode> view = nodes.stream().map(this::view).toList();
    var in = new PoolAutoscaler.Inputs(spec, shape, target, view, pending, history);
    Decision d = PoolAutoscaler.decide(in, now);
    check(d);
    d.nodeActions()
        .forEach(
            (name, action) -> {
              Node n = node(name);
              n.cordon =
                  switch (action) {
                    case CORDON -> Cordon.LEAVING;
                    case REMOVE -> Cordon.REMOVING;
                    case UNCORDON -> Cordon.NONE;
                  };
            });
    target = d.desiredNodes();
    history = d.history();
    decisions.add(d);
    return d;
  }

  private void check(Decision d) {
    var bounds = PoolAutoscaler.Bounds.of(spec);
    if (d.desiredNodes() > target) {
      assertThat(d.desiredNodes())
          .as("grows to at most maxNodes")
          .isLessThanOrEqualTo(Math.max(bounds.max(), target));
    }
    if (d.desiredNodes() < target) {
      assertThat(d.desiredNodes())
          .as("shrinks to at least minNodes")
          .isGreaterThanOrEqualTo(bounds.min());
    }
    d.nodeActions()
        .forEach(
            (name, action) -> {
              if (action == NodeAction.REMOVE || action == NodeAction.CORDON) {
                assertThat(workersOn(node(name)))
                    .as("%s %s holds no worker: %s", action, name, d.message())
                    .isZero();
              }
            });
  }

  /** The node as the autoscaler sees it now. */
  PoolNode view(Node n) {
    Instant readyAt = n.created.plus(bootTime);
    Optional<Instant> ready = now.isBefore(readyAt) ? Optional.empty() : Optional.of(readyAt);
    Requests used = Requests.NONE;
    for (Worker w : workers) if (w.node == n) used = used.plus(w.requests);
    return new PoolNode(n.name, n.created, ready, n.cordon, workersOn(n), used);
  }

  /** Machines follow the replicas: removed nodes first, then the newest; new ones appear now. */
  private void infrastructure() {
    while (nodes.size() > target) {
      Node gone =
          nodes.stream()
              .filter(n -> n.cordon == Cordon.REMOVING)
              .findFirst()
              .orElse(nodes.get(nodes.size() - 1));
      assertThat(workersOn(gone))
          .as("the infrastructure removes %s, which holds workers", gone.name)
          .isZero();
      nodes.remove(gone);
    }
    while (nodes.size() < target) nodes.add(new Node("node-" + nodeSeq++, now));
  }

  /** Waiting workers onto Ready, uncordoned nodes with room, in order. */
  void schedule() {
    for (Worker w : workers) {
      if (w.node != null) continue;
      for (Node n : nodes) {
        PoolNode v = view(n);
        if (n.cordon != Cordon.NONE || v.readySince().isEmpty()) continue;
        Requests after = v.used().plus(w.requests);
        String acc = spec.accelerator() == null ? null : spec.accelerator().type();
        if (after.cpuMillis() <= shape.cpuMillis()
            && after.memoryBytes() <= shape.memoryBytes()
            && after.extended(acc) <= shape.extended(acc)) {
          w.node = n;
          break;
        }
      }
    }
  }

  int workersOn(Node n) {
    return (int) workers.stream().filter(w -> w.node == n).count();
  }

  long waiting() {
    return workers.stream().filter(w -> w.node == null).count();
  }

  Node node(String name) {
    return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
  }
}

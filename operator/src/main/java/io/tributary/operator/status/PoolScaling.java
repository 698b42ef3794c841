package io.tributary.operator.status;

import io.tributary.operator.api.ComputePoolSpec;
import io.tributary.operator.api.ComputePoolStatus;
import io.tributary.operator.api.Condition;
import io.tributary.operator.api.IdleNode;
import io.tributary.operator.api.PoolDecision;
import io.tributary.operator.api.PoolPending;
import io.tributary.operator.autoscale.PoolAutoscaler;
import io.tributary.operator.autoscale.PoolAutoscaler.Decision;
import io.tributary.operator.autoscale.PoolAutoscaler.NodeAction;
import io.tributary.operator.autoscale.PoolNode;
import io.tributary.operator.autoscale.PoolNode.Cordon;
import io.tributary.operator.status.Conditions.Reason;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the pool autoscaler decided, as status: the waiting workers, the last change, the idle nodes
 * it remembers, and the Scaling and AtMaximum conditions.
 *
 * @param target the scale target in words, e.g. "MachineDeployment capi/gpu-a100"; null without
 * @param targetProblem why the scale target could not be read or written, when it could not
 */
public record PoolScaling(
    PoolAutoscaler.Inputs inputs,
    Decision decision,
    String target,
    Optional<String> targetProblem) {

  /** The scale target's replicas after this decision; null without a usable scale target. */
  Integer desiredNodes() {
    return targetProblem.isPresent() ? null : decision.desiredNodes();
  }

  /** The autoscaler's part of the status, on top of {@code b}. */
  ComputePoolStatus.Builder apply(
      ComputePoolStatus.Builder b, ComputePoolStatus previous, Instant now) {
    PoolAutoscaler.Demand d = decision.demand();
    String accelerator = acceleratorType(inputs.spec());
    b.desiredNodes(desiredNodes())
        .pending(
            new PoolPending(
                d.workers(),
                io.tributary.operator.autoscale.Requests.cpuText(d.requests().cpuMillis()),
                io.tributary.operator.autoscale.Requests.memoryText(d.requests().memoryBytes()),
                accelerator == null ? null : d.requests().extended(accelerator),
                d.unplaceable().size()))
        .idleNodes(
            decision.history().stream().map(i -> new IdleNode(i.node(), time(i.since()))).toList());
    PoolDecision last = previous == null ? null : previous.lastDecision();
    if (decision.reason().isPresent() && targetProblem.isEmpty()) {
      last =
          new PoolDecision(
              time(now),
              decision.reason().get(),
              decision.message(),
              inputs.targetReplicas(),
              decision.desiredNodes());
    }
    return b.lastDecision(last);
  }

  /**
   * Scaling: is the pool being resized, and why. AtMaximum: does maxNodes leave workers waiting.
   */
  List<Condition> conditions(long gen) {
    List<Condition> out = new ArrayList<>();
    String message = decision.message();
    if (targetProblem.isPresent()) {
      out.add(
          Conditions.of(
              Conditions.SCALING,
              false,
              Reason.ScaleTargetUnavailable,
              targetProblem.get()
                  + (decision.demand().workers() > 0 ? "; " + decision.demand().describe() : ""),
              gen));
    } else if (decision.desiredNodes() == null) {
      out.add(Conditions.of(Conditions.SCALING, false, Reason.NoScaleTarget, message, gen));
    } else {
      out.add(scaling(gen));
    }
    int max = PoolAutoscaler.Bounds.of(inputs.spec()).max();
    if (decision.desiredNodes() == null || targetProblem.isPresent()) {
      out.add(
          Conditions.of(
              Conditions.AT_MAXIMUM,
              false,
              Reason.NoScaleTarget,
              "the operator does not resize this pool: "
                  + targetProblem.orElse("spec.scaleTargetRef is not set"),
              gen));
    } else if (decision.waitingAtMaximum() > 0) {
      out.add(
          Conditions.of(
              Conditions.AT_MAXIMUM,
              true,
              Reason.MaxNodesReached,
              decision.waitingAtMaximum()
                  + " waiting worker(s) need more than spec.maxNodes "
                  + max
                  + " nodes: raise maxNodes, or lower their compute.resources",
              gen));
    } else {
      out.add(
          Conditions.of(
              Conditions.AT_MAXIMUM,
              false,
              Reason.BelowMaxNodes,
              decision.desiredNodes() + " of at most " + max + " nodes",
              gen));
    }
    return out;
  }

  private Condition scaling(long gen) {
    List<String> leaving = new ArrayList<>();
    int removing = 0;
    for (PoolNode n : inputs.nodes()) {
      NodeAction a = decision.nodeActions().get(n.name());
      boolean goes = a == NodeAction.REMOVE || a == null && n.cordon() == Cordon.REMOVING;
      boolean cordoned = a == NodeAction.CORDON || a == null && n.cordon() == Cordon.LEAVING;
      if (goes) removing++;
      if (goes || cordoned) leaving.add(n.name());
    }
    int staying = inputs.nodes().size() - removing;
    int desired = decision.desiredNodes();
    if (desired > staying) {
      return Conditions.of(
          Conditions.SCALING,
          true,
          Reason.ScaleUp,
          target + " asks for " + desired + " nodes, " + staying + " there: " + decision.message(),
          gen);
    }
    if (!leaving.isEmpty() || desired < staying) {
      return Conditions.of(
          Conditions.SCALING,
          true,
          Reason.ScaleDown,
          "removing idle "
              + (leaving.isEmpty() ? "nodes" : PoolAutoscaler.names(leaving))
              + " (cordoned), "
              + desired
              + " nodes when done: "
              + decision.message(),
          gen);
    }
    return Conditions.of(Conditions.SCALING, false, Reason.Stable, decision.message(), gen);
  }

  private static String acceleratorType(ComputePoolSpec spec) {
    return spec.accelerator() == null ? null : spec.accelerator().type();
  }

  private static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}

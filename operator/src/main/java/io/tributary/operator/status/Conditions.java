package io.tributary.operator.status;

import io.tributary.operator.api.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds status conditions. lastTransitionTime is kept while a condition's status does not flip, so
 * a resync never rewrites status and `kubectl describe` shows when things really changed.
 */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";

  /** ComputePool: the pool is being resized (nodes asked for, or idle nodes on their way out). */
  public static final String SCALING = "Scaling";

  /** ComputePool: waiting workers need more nodes than spec.maxNodes allows. */
  public static final String AT_MAXIMUM = "AtMaximum";

  public static final String TRUE = "True";
  public static final String FALSE = "False";

  private Conditions() {}

  public static Condition of(
      String type, boolean status, Reason reason, String message, long generation) {
    return new Condition(type, status ? TRUE : FALSE, reason.name(), message, generation, null);
  }

  /** The desired conditions, each with the transition time carried over or set to now. */
  public static List<Condition> merge(
      List<Condition> previous, List<Condition> desired, Instant now) {
    List<Condition> out = new ArrayList<>();
    for (Condition d : desired) {
      String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
      if (previous != null) {
        for (Condition p : previous) {
          if (p.type().equals(d.type())
              && p.status().equals(d.status())
              && p.lastTransitionTime() != null) {
            time = p.lastTransitionTime();
          }
        }
      }
      out.add(
          new Condition(
              d.type(), d.status(), d.reason(), d.message(), d.observedGeneration(), time));
    }
    return out;
  }

  /** The condition of a type, or null. */
  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) return null;
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElse(null);
  }

  /** The CamelCase reasons the operator uses; documented in docs/crds.md. */
  public enum Reason {
    // Ready
    WorkersAvailable,
    WorkersUnavailable,
    RunSucceeded,
    RunFailed,
    RunInProgress,
    /** A run's pod is not running yet (not created, or its container is starting). */
    RunPending,
    /** A run's pod waits for a node: the scheduler found none that fits (its message says why). */
    Unschedulable,
    Suspended,
    InvalidSpec,
    ResidencyViolation,
    /**
     * An address the pipeline names (a bootstrap server, a JDBC or HTTP URL, a Redis address) is
     * covered by no DataEndpoint of the endpoint catalog; the message names the field, the address
     * and the fix.
     */
    EndpointNotInCatalog,
    /**
     * The DataEndpoint an address resolves to requires TLS and the pipeline reaches it without; the
     * message names the field, the endpoint and the setting that turns TLS on.
     */
    EndpointRequiresTls,
    /**
     * A classified field (personal or sensitive data) would reach the sink unmasked, and the sink
     * is not allowed to hold it (sink.allowClassified); the message names the fields and the sink.
     */
    UnmaskedPersonalData,
    /**
     * spec.source.kafka.consumerGroup does not start with tributary-&lt;namespace&gt;-: the
     * pipeline would read or commit another namespace's offsets.
     */
    ConsumerGroupOutsideNamespace,
    UnknownPool,
    /**
     * The pipeline references a Secret that does not exist or is not labelled
     * tributary.io/pipeline-secret=true; the message names it and the fix.
     */
    SecretNotAllowed,
    /**
     * A transforms entry names a TransformSet that does not exist in the pipeline's namespace; the
     * message names it. Workers already running keep running their last plan.
     */
    TransformSetNotFound,
    /** TransformSet: the steps pass the checks every pipeline naming the set makes. */
    StepsValid,
    DependencyCycle,
    InvalidExpression,
    WaitingForUpstream,
    Scheduled,
    NodesReady,
    NoNodes,
    /** Zero workers on purpose: spec.replicas 0, spec.suspend, or the autoscaler found no lag. */
    ScaledToZero,
    /** The scheduler cannot place a worker; the message is the scheduler's. */
    WorkersUnschedulable,
    /** Workers are placed but not running yet (image pull, volume mount, container creation). */
    WorkersPending,
    /** A worker exited with an error; the message is its termination message. */
    WorkerFailed,
    /** A worker refused its plan at start-up (exit 78); the message is the worker's. */
    InvalidPlan,
    /**
     * A validate step with onInvalid fail refused a record: the workers stopped there, on purpose,
     * until the spec changes or the record is skipped.
     */
    Halted,
    // Progressing
    Deploying,
    RunActive,
    Idle,
    Stable,
    /** Matching nodes are cordoned (being drained or repaired). */
    NodesCordoned,
    /** The pool's scale target was asked for more or fewer nodes than are there. */
    Scaling,
    // Degraded
    ReconcileError,
    RetriesExhausted,
    NoProblems,
    /** Workers keep restarting; the message has the last exit code and termination message. */
    WorkersCrashLooping,
    /** Matching nodes that are not cordoned report Ready=False or Unknown. */
    NodesNotReady,
    // Scaling (ComputePool)
    /** The scale target asks for more nodes than the pool has: nodes are on their way. */
    ScaleUp,
    /** Idle nodes are cordoned or being removed. */
    ScaleDown,
    /** The pool has no spec.scaleTargetRef: it is reported, not resized. */
    NoScaleTarget,
    /** The scale target cannot be read or written (missing, no /scale, or RBAC). */
    ScaleTargetUnavailable,
    // AtMaximum (ComputePool)
    /** Waiting workers need more nodes than spec.maxNodes. */
    MaxNodesReached,
    /** The pool may still grow. */
    BelowMaxNodes
  }
}

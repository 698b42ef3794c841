package io.tributary.operator.status;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.tributary.operator.render.WorkerPod;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.PlanJson;
import io.tributary.pipeline.plan.RunSummary;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a StreamJob's worker pods say about themselves: whether the scheduler could place them, what
 * they are waiting for, and how the last one that exited with an error ended (the worker writes a
 * {@link RunSummary} to its termination log). Pure: pods in, a summary out.
 */
public final class WorkerPods {
  /** A message longer than this is cut: conditions are read by people and stored in etcd. */
  static final int MAX_MESSAGE = 1000;

  private WorkerPods() {}

  /**
   * The last error exit of a worker.
   *
   * @param message the worker's own words: the run summary's message, else the raw termination
   *     message (with FallbackToLogsOnError, the tail of its log), else the kubelet's reason
   */
  public record Failure(String pod, int exitCode, String message) {
    public boolean invalidPlan() {
      return exitCode == ExitCodes.INVALID_PLAN;
    }

    /** For a condition message, e.g. "worker w-1 exited 78 (invalid plan): ...". */
    public String describe() {
      String kind =
          exitCode == ExitCodes.INVALID_PLAN
              ? " (invalid plan)"
              : exitCode == ExitCodes.PERMANENT ? " (permanent failure)" : "";
      return "worker " + pod + " exited " + exitCode + kind + ": " + message;
    }
  }

  /**
   * The pods of one job.
   *
   * @param unschedulable pods the scheduler could not place
   * @param schedulerMessage the scheduler's words for the first of them, e.g. "0/8 nodes are
   *     available: 1 Insufficient cpu, ..."
   * @param pending placed pods whose containers are waiting (image pull, container creation)
   * @param waiting the first waiting container's reason and message
   * @param crashLooping pods with a container that restarted after an error and is not ready now
   * @param restarts container restarts summed over the pods
   * @param lastFailure the most recent error exit, if any
   */
  public record Summary(
      int pods,
      int unschedulable,
      String schedulerMessage,
      int pending,
      String waiting,
      int crashLooping,
      int restarts,
      Optional<Failure> lastFailure) {
    public static final Summary NONE = new Summary(0, 0, null, 0, null, 0, 0, Optional.empty());
  }

  private record Exit(String pod, ContainerStateTerminated terminated) {}

  public static Summary of(List<Pod> pods) {
    List<Pod> live =
        pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    int unschedulable = 0;
    String schedulerMessage = null;
    int pending = 0;
    String waiting = null;
    int crashLooping = 0;
    int restarts = 0;
    Exit last = null;
    for (Pod pod : live) {
      Optional<PodCondition> notScheduled = unschedulable(pod);
      if (notScheduled.isPresent()) {
        unschedulable++;
        if (schedulerMessage == null) schedulerMessage = notScheduled.get().getMessage();
        continue;
      }
      boolean podPending = pod.getStatus() != null && "Pending".equals(pod.getStatus().getPhase());
      if (podPending) pending++;
      for (ContainerStatus c : containers(pod)) {
        restarts += c.getRestartCount() == null ? 0 : c.getRestartCount();
        ContainerStateWaiting w = c.getState() == null ? null : c.getState().getWaiting();
        if (w != null && waiting == null && podPending) {
          waiting = w.getReason() + (w.getMessage() == null ? "" : ": " + w.getMessage());
        }
        Exit exit = errorExit(pod, c);
        if (exit != null && !Boolean.TRUE.equals(c.getReady())) {
          if (c.getRestartCount() != null && c.getRestartCount() > 0) crashLooping++;
          if (last == null || finished(exit).compareTo(finished(last)) > 0) last = exit;
        }
      }
    }
    return new Summary(
        live.size(),
        unschedulable,
        cut(schedulerMessage),
        pending,
        cut(waiting),
        crashLooping,
        restarts,
        Optional.ofNullable(last).map(WorkerPods::failure));
  }

  /**
   * The pod's PodScheduled=False condition with reason Unschedulable: the scheduler found no node
   * for it. Empty while it is scheduled, not tried yet, or waits for another reason.
   */
  public static Optional<PodCondition> unschedulable(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) return Optional.empty();
    return pod.getStatus().getConditions().stream()
        .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
        .filter(c -> "Unschedulable".equals(c.getReason()))
        .findFirst();
  }

  private static List<ContainerStatus> containers(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) return List.of();
    return pod.getStatus().getContainerStatuses();
  }

  /** The container's current or previous termination, when it was an error. */
  private static Exit errorExit(Pod pod, ContainerStatus c) {
    for (ContainerState s : new ContainerState[] {c.getState(), c.getLastState()}) {
      if (s == null || s.getTerminated() == null) continue;
      Integer code = s.getTerminated().getExitCode();
      if (code != null && code != 0)
        return new Exit(pod.getMetadata().getName(), s.getTerminated());
    }
    return null;
  }

  private static String finished(Exit e) {
    return Objects.requireNonNullElse(e.terminated().getFinishedAt(), "");
  }

  private static Failure failure(Exit e) {
    ContainerStateTerminated t = e.terminated();
    String raw = t.getMessage() == null ? "" : t.getMessage().trim();
    RunSummary summary = summary(raw);
    String message;
    if (summary != null && summary.message() != null) {
      message = summary.message();
    } else if (!raw.isEmpty()) {
      message = lastLine(raw);
    } else {
      message = t.getReason() != null ? t.getReason() : "no termination message";
    }
    return new Failure(e.pod(), t.getExitCode(), cut(message));
  }

  /**
   * Where a worker running plan {@code planHash} halted (validate with onInvalid fail), if one did.
   * Workers of other plans are not asked: their halt was resumed from (a skipped record, a changed
   * spec) or is about to be replaced.
   */
  public static Optional<RunSummary.Halt> halt(List<Pod> pods, String planHash) {
    for (Pod pod : pods) {
      if (pod.getMetadata().getDeletionTimestamp() != null) continue;
      var annotations = pod.getMetadata().getAnnotations();
      if (annotations == null || !planHash.equals(annotations.get(WorkerPod.PLAN_ANNOTATION)))
        continue;
      for (ContainerStatus c : containers(pod)) {
        Exit exit = errorExit(pod, c);
        if (exit == null || exit.terminated().getMessage() == null) continue;
        RunSummary summary = summary(exit.terminated().getMessage().trim());
        if (summary != null && summary.halt() != null) return Optional.of(summary.halt());
      }
    }
    return Optional.empty();
  }

  /** The RunSummary in a termination message, or null when it is a log tail or garbage. */
  static RunSummary summary(String message) {
    if (!message.startsWith("{")) return null;
    try {
      return PlanJson.readSummary(message);
    } catch (Exception e) {
      return null;
    }
  }

  /** A log tail's last non-blank line: where a worker that died says why. */
  private static String lastLine(String text) {
    return text.lines()
        .filter(l -> !l.isBlank())
        .reduce((a, b) -> b)
        .map(String::trim)
        .orElse(text);
  }

  static String cut(String s) {
    if (s == null || s.length() <= MAX_MESSAGE) return s;
    return s.substring(0, MAX_MESSAGE) + "...";
  }

  /** Pods sorted by name, so a summary never depends on the order a cache lists them in. */
  public static List<Pod> byName(java.util.Collection<Pod> pods) {
    return pods.stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
  }
}

package io.tributary.operator.schedule;

/**
 * The latest run of an upstream DataPipeline, as its status.lastRun reports it.
 *
 * @param runId the run's id, or null when the upstream never ran
 * @param phase Running, BackingOff, Succeeded or Failed, or null when it never ran
 */
public record UpstreamRun(String runId, String phase) {
  public boolean succeeded() {
    return runId != null && RunPhase.SUCCEEDED.equals(phase);
  }
}

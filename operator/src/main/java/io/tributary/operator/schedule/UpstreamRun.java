package io.tributary.operator.schedule;

import io.tributary.operator.api.RunPhase;
import io.tributary.operator.api.RunRecord;

/**
 * The latest run of an upstream DataPipeline, as its status.lastRun reports it.
 *
 * @param runId the run's id, or null when the upstream never ran
 * @param phase its phase, or null when it never ran
 */
public record UpstreamRun(String runId, RunPhase phase) {
  /** An upstream that exists but has not run yet. */
  public static final UpstreamRun NEVER_RAN = new UpstreamRun(null, null);

  /** The upstream's latest run, or {@link #NEVER_RAN} when {@code lastRun} is null. */
  public static UpstreamRun of(RunRecord lastRun) {
    return lastRun == null ? NEVER_RAN : new UpstreamRun(lastRun.id(), lastRun.phase());
  }

  public boolean succeeded() {
    return runId != null && phase == RunPhase.SUCCEEDED;
  }
}

package io.tributary.operator.schedule;

import io.tributary.operator.api.RunRecord;
import io.tributary.operator.schedule.RunDecision.Note;
import io.tributary.pipeline.plan.ExitCodes;
import io.tributary.pipeline.plan.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What happened to each run's latest attempt. The Jobs are the truth about attempts; the status
 * remembers runs whose Jobs are gone. An attempt's outcome, once recorded, never changes, so a Job
 * deleted by concurrencyPolicy Replace or by history does not rewrite its run.
 */
final class AttemptOutcomes {
  /** How long a just-created Job may be missing from the informer cache before it counts lost. */
  static final Duration LOST_JOB_GRACE = Duration.ofMinutes(1);

  private final RunPolicy policy;
  private final Instant now;
  private final List<Note> notes;
  private final List<Instant> wakeups;

  AttemptOutcomes(RunPolicy policy, Instant now, List<Note> notes, List<Instant> wakeups) {
    this.policy = policy;
    this.now = now;
    this.notes = notes;
    this.wakeups = wakeups;
  }

  /** The runs after looking at the Jobs, keyed by id, in the previous status's order. */
  Map<String, RunRecord> observe(List<RunRecord> previous, List<ObservedJob> jobs) {
    Map<String, RunRecord> runs = new LinkedHashMap<>();
    previous.forEach(r -> runs.put(r.id(), r));
    Map<String, ObservedJob> latest = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (ObservedJob j : jobs) {
      if (j.runId() == null) continue;
      seen.add(j.runId() + "#" + j.attempt());
      latest.merge(j.runId(), j, (a, b) -> a.attempt() >= b.attempt() ? a : b);
    }
    latest.forEach((id, job) -> runs.put(id, fromJob(job, runs.get(id))));
    for (RunRecord r : List.copyOf(runs.values())) {
      if (!RunPhase.RUNNING.equals(r.phase()) || seen.contains(r.id() + "#" + r.attempt())) {
        continue;
      }
      Instant started = RunScheduler.instant(r.startedAt());
      Instant lostAt = started == null ? now : started.plus(LOST_JOB_GRACE);
      if (now.isBefore(lostAt)) {
        wakeups.add(lostAt);
      } else {
        runs.put(
            r.id(),
            failed(
                r,
                now,
                false,
                "Job " + r.jobName() + " disappeared before it finished (deleted by hand?)"));
      }
    }
    return runs;
  }

  private RunRecord fromJob(ObservedJob job, RunRecord known) {
    if (known != null && known.attempt() != null) {
      // The status is ahead of the cache (a retry just created), or the attempt is settled.
      if (known.attempt() > job.attempt()) return known;
      if (known.attempt() == job.attempt() && RunPhase.attemptSettled(known.phase())) {
        return known;
      }
    }
    String scheduledAt =
        known != null && known.scheduledAt() != null
            ? known.scheduledAt()
            : Optional.ofNullable(job.scheduledAt())
                .or(() -> RunIds.scheduledTime(job.runId()))
                .or(() -> Optional.ofNullable(job.startedAt()))
                .orElse(now)
                .toString();
    RunRecord base =
        RunRecords.running(
            job.runId(),
            job.trigger() != null ? job.trigger() : known != null ? known.trigger() : null,
            job.attempt(),
            job.name(),
            scheduledAt,
            job.startedAt() != null
                ? job.startedAt().toString()
                : known != null ? known.startedAt() : null,
            known != null && known.upstreamRuns() != null
                ? known.upstreamRuns()
                : job.upstreamRuns());
    if (job.state() == ObservedJob.State.ACTIVE) return base;
    Instant finished = job.finishedAt() != null ? job.finishedAt() : now;
    var s = job.summary();
    if (job.state() == ObservedJob.State.SUCCEEDED) {
      RunRecord ok =
          RunRecords.settle(
              RunRecords.withCounts(base, s),
              RunPhase.SUCCEEDED,
              finished,
              null,
              null,
              s != null && s.message() != null ? s.message() : "Run succeeded");
      notes.add(
          Note.normal(
              "RunSucceeded",
              "Run "
                  + ok.id()
                  + " succeeded"
                  + (ok.recordsWritten() != null
                      ? ": "
                          + ok.recordsRead()
                          + " records read, "
                          + ok.recordsWritten()
                          + " written, "
                          + ok.recordsRejected()
                          + " rejected"
                      : "")));
      return ok;
    }
    boolean permanent =
        (job.exitCode() != null
                && (job.exitCode() == ExitCodes.PERMANENT
                    || job.exitCode() == ExitCodes.INVALID_PLAN))
            || (s != null && RunSummary.PERMANENT.equals(s.failure()));
    String message;
    if (s != null && s.message() != null) message = s.message();
    else if (job.deadlineExceeded()) message = "the run exceeded spec.runTimeout and was stopped";
    else if (job.exitCode() != null) message = "the worker exited with code " + job.exitCode();
    else message = "the Job failed without a run summary";
    return failed(RunRecords.withCounts(base, s), finished, permanent, message);
  }

  /** Settles a failed attempt: back off and retry, or give up. */
  private RunRecord failed(RunRecord r, Instant finished, boolean permanent, String message) {
    int attempt = r.attempt() != null ? r.attempt() : 1;
    if (!permanent && attempt <= policy.retryLimit()) {
      Instant retryAt = finished.plus(policy.backoff(attempt));
      notes.add(
          Note.warning(
              "RunFailed",
              "Run "
                  + r.id()
                  + " attempt "
                  + attempt
                  + " failed ("
                  + message
                  + "); retry at "
                  + retryAt));
      return RunRecords.settle(r, RunPhase.BACKING_OFF, finished, retryAt, "retryable", message);
    }
    String failure = permanent ? "permanent" : "retryable";
    notes.add(
        Note.warning(
            permanent ? "RunFailed" : "RetriesExhausted",
            "Run "
                + r.id()
                + (permanent ? " failed permanently" : " failed after " + attempt + " attempts")
                + ": "
                + message));
    return RunRecords.settle(r, RunPhase.FAILED, finished, null, failure, message);
  }
}

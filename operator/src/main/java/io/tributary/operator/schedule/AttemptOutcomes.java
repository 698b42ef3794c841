package io.tributary.operator.schedule;

import io.tributary.operator.api.RunFailure;
import io.tributary.operator.api.RunPhase;
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
 * What happened to each run's latest attempt. The Jobs (with their pods) are the truth about
 * attempts; the status remembers runs whose Jobs are gone. An attempt's outcome, once recorded,
 * never changes, so a Job deleted by concurrencyPolicy Replace or by history does not rewrite its
 * run.
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
      if (r.phase() == null
          || !r.phase().attemptActive()
          || seen.contains(r.id() + "#" + r.attempt())) {
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
      if (known.attempt() == job.attempt()
          && known.phase() != null
          && known.phase().attemptSettled()) {
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
    RunRecord.Builder active =
        RunRecord.builder()
            .id(job.runId())
            .trigger(job.trigger() != null ? job.trigger() : known != null ? known.trigger() : null)
            .attempt(job.attempt())
            .jobName(job.name())
            .scheduledAt(scheduledAt)
            .startedAt(
                job.startedAt() != null
                    ? job.startedAt().toString()
                    : known != null ? known.startedAt() : null)
            .upstreamRuns(
                known != null && known.upstreamRuns() != null
                    ? known.upstreamRuns()
                    : job.upstreamRuns());
    if (job.state() == ObservedJob.State.PENDING) {
      return active.phase(RunPhase.PENDING).message(job.waiting().message()).build();
    }
    if (job.state() == ObservedJob.State.RUNNING) {
      return active.phase(RunPhase.RUNNING).message(job.progress()).build();
    }
    RunRecord base = active.build();
    Instant finished = job.finishedAt() != null ? job.finishedAt() : now;
    var s = job.summary();
    if (job.state() == ObservedJob.State.SUCCEEDED) {
      RunRecord ok =
          RunRecords.succeeded(
              RunRecords.withCounts(base, s),
              finished,
              s != null && s.message() != null ? s.message() : "Run succeeded");
      notes.add(
          new Note(
              RunEvent.RunSucceeded,
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
          new Note(
              RunEvent.RunFailed,
              "Run "
                  + r.id()
                  + " attempt "
                  + attempt
                  + " failed ("
                  + message
                  + "); retry at "
                  + retryAt));
      return RunRecords.backingOff(r, finished, retryAt, message);
    }
    notes.add(
        new Note(
            permanent ? RunEvent.RunFailed : RunEvent.RetriesExhausted,
            "Run "
                + r.id()
                + (permanent ? " failed permanently" : " failed after " + attempt + " attempts")
                + ": "
                + message));
    return RunRecords.failed(
        r, finished, permanent ? RunFailure.PERMANENT : RunFailure.RETRYABLE, message);
  }
}

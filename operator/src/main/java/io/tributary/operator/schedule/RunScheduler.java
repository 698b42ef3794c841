package io.tributary.operator.schedule;

import io.tributary.operator.api.DataPipelineSpec;
import io.tributary.operator.api.DataPipelineStatus;
import io.tributary.operator.api.PipelinePhase;
import io.tributary.operator.api.RunFailure;
import io.tributary.operator.api.RunPhase;
import io.tributary.operator.api.RunRecord;
import io.tributary.operator.api.Schedule;
import io.tributary.operator.api.UpstreamRef;
import io.tributary.operator.render.Names;
import io.tributary.operator.schedule.RunDecision.Note;
import io.tributary.operator.schedule.RunDecision.StartJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides the runs of a DataPipeline: which run starts, which failed attempt is retried and when,
 * which old Jobs go, what the status says, and when to look again. Pure: the same inputs and clock
 * give the same decision, so a reconcile that changes nothing writes nothing.
 *
 * <p>Triggers: the tributary.io/run-now annotation (once per value), the cron schedule (the latest
 * due time; older missed times are never run), every upstream's latest run having succeeded (once
 * per new set of successes), or, with neither schedule nor dependsOn, each spec generation. When a
 * run is due while another is in progress, concurrencyPolicy Forbid skips a scheduled run (the next
 * tick comes anyway) but holds an event-triggered one until the active run ends, because an
 * upstream success or a spec change does not repeat; Replace stops the active run; Allow runs both.
 */
public final class RunScheduler {
  /** A schedule time reached later than this counts as missed (operator down, suspended). */
  static final Duration LATE = Duration.ofMinutes(1);

  /**
   * Newest first by the time a run was due. Ties (runs due in the same second) keep the order of
   * the previous status, with runs started in this pass in front: a sort by id would let an older
   * run pass for the latest one.
   */
  private static final Comparator<RunRecord> NEWEST_FIRST =
      Comparator.comparing(
          (RunRecord r) -> instant(r.scheduledAt()),
          Comparator.nullsLast(Comparator.reverseOrder()));

  private final Clock clock;

  public RunScheduler(Clock clock) {
    this.clock = clock;
  }

  /**
   * @throws IllegalArgumentException when the spec's run settings are invalid; check them with
   *     {@link RunPolicy#validate} first
   */
  public RunDecision decide(RunInputs in) {
    return new Pass(in, RunPolicy.of(in.spec()), clock.instant().truncatedTo(ChronoUnit.SECONDS))
        .run();
  }

  /** One decision's working state. */
  private static final class Pass {
    private final RunInputs in;
    private final RunPolicy policy;
    private final Instant now;
    private final DataPipelineStatus prev;
    private final boolean suspended;
    private final Map<String, RunRecord> runs = new LinkedHashMap<>();
    private final List<StartJob> create = new ArrayList<>();
    private final List<String> delete = new ArrayList<>();
    private final List<Note> notes = new ArrayList<>();
    private final List<Instant> wakeups = new ArrayList<>();
    private final List<String> started = new ArrayList<>();
    private String lastScheduleTime;
    private String lastRunNow;
    private Long lastSpecRunGeneration;
    private Map<String, String> consumedUpstreamRuns;

    Pass(RunInputs in, RunPolicy policy, Instant now) {
      this.in = in;
      this.policy = policy;
      this.now = now;
      this.prev = in.status() != null ? in.status() : DataPipelineStatus.NONE;
      this.suspended = Boolean.TRUE.equals(in.spec().suspend());
      this.lastScheduleTime = prev.lastScheduleTime();
      this.lastRunNow = prev.lastRunNow();
      this.lastSpecRunGeneration = prev.lastSpecRunGeneration();
      this.consumedUpstreamRuns = prev.consumedUpstreamRuns();
    }

    RunDecision run() {
      runs.putAll(
          new AttemptOutcomes(policy, now, notes, wakeups)
              .observe(prev.runs() == null ? List.of() : prev.runs(), in.jobs()));
      if (!suspended) {
        trigger();
        retry();
      }
      return result();
    }

    // ---- trigger: what is due now, and what concurrencyPolicy lets start.

    private record Due(
        String id, String trigger, Instant scheduledAt, String upstreamRuns, Runnable consume) {}

    private void trigger() {
      List<Due> due = new ArrayList<>();
      DataPipelineSpec spec = in.spec();
      String runNow = in.runNow();
      if (runNow != null && !runNow.isBlank() && !runNow.equals(prev.lastRunNow())) {
        due.add(
            new Due(
                RunIds.runNow(runNow),
                RunIds.TRIGGER_RUN_NOW,
                now,
                null,
                () -> lastRunNow = runNow));
      }
      policy.cron().ifPresent(cron -> scheduled(cron).ifPresent(due::add));
      upstreamsSucceeded()
          .filter(
              set -> !set.equals(consumedUpstreamRuns == null ? Map.of() : consumedUpstreamRuns))
          .ifPresent(
              set ->
                  due.add(
                      new Due(
                          RunIds.dependsOn(set),
                          RunIds.TRIGGER_DEPENDS_ON,
                          now,
                          RunIds.pairs(set),
                          () -> consumedUpstreamRuns = set)));
      if (spec.schedule() == null
          && !hasDependsOn()
          && !Objects.equals(lastSpecRunGeneration, in.generation())) {
        due.add(
            new Due(
                RunIds.spec(in.generation()),
                RunIds.TRIGGER_SPEC,
                now,
                null,
                () -> lastSpecRunGeneration = in.generation()));
      }
      for (Due d : due) start(d);
    }

    private Optional<Due> scheduled(Cron cron) {
      Instant base = instant(lastScheduleTime);
      if (base == null) base = in.createdAt() != null ? in.createdAt() : now;
      Optional<Instant> latest = cron.latest(base, now);
      if (latest.isEmpty()) return Optional.empty();
      Instant t = latest.get();
      Duration lateness = Duration.between(t, now);
      if (lateness.compareTo(LATE) > 0 && policy.missedRuns() == Schedule.MissedRunPolicy.SKIP) {
        lastScheduleTime = t.toString();
        notes.add(
            new Note(
                RunEvent.MissedRunSkipped,
                "Not catching up the run due at "
                    + t
                    + " (schedule.missedRuns: skip); next run at "
                    + cron.next(now)));
        return Optional.empty();
      }
      if (policy.startingDeadline().isPresent()
          && lateness.compareTo(policy.startingDeadline().get()) > 0) {
        lastScheduleTime = t.toString();
        notes.add(
            new Note(
                RunEvent.MissedRun,
                "Not catching up the run due at "
                    + t
                    + ": it is more than schedule.startingDeadline "
                    + in.spec().schedule().startingDeadline()
                    + " late"));
        return Optional.empty();
      }
      return Optional.of(
          new Due(
              RunIds.schedule(t),
              RunIds.TRIGGER_SCHEDULE,
              t,
              null,
              () -> lastScheduleTime = t.toString()));
    }

    private void start(Due d) {
      if (runs.containsKey(d.id())) {
        // Started (or skipped) before; the status saying otherwise is only stale.
        d.consume().run();
        return;
      }
      List<RunRecord> active = runs.values().stream().filter(RunScheduler::inProgress).toList();
      if (!active.isEmpty()) {
        switch (policy.concurrency()) {
          case FORBID -> {
            if (!RunIds.TRIGGER_SCHEDULE.equals(d.trigger())) return;
            d.consume().run();
            String why =
                "run " + active.get(0).id() + " was still in progress (concurrencyPolicy Forbid)";
            runs.put(
                d.id(),
                RunRecords.skipped(d.id(), d.trigger(), d.scheduledAt(), "Skipped: " + why));
            notes.add(
                new Note(
                    RunEvent.RunSkipped, "Skipped the run due at " + d.scheduledAt() + ": " + why));
            return;
          }
          case REPLACE -> {
            for (RunRecord a : active) {
              if (a.phase().attemptActive() && a.jobName() != null) delete.add(a.jobName());
              runs.put(
                  a.id(),
                  RunRecords.failed(
                      a,
                      now,
                      RunFailure.REPLACED,
                      "replaced by run " + d.id() + " (concurrencyPolicy Replace)"));
              notes.add(
                  new Note(
                      RunEvent.RunReplaced,
                      "Stopped run "
                          + a.id()
                          + " to start run "
                          + d.id()
                          + " (concurrencyPolicy Replace)"));
            }
          }
          case ALLOW -> {}
        }
      }
      d.consume().run();
      String job = Names.job(in.pipeline(), d.id(), 1);
      create.add(
          new StartJob(d.id(), 1, d.trigger(), job, d.scheduledAt().toString(), d.upstreamRuns()));
      started.add(d.id());
      runs.put(
          d.id(),
          RunRecords.attemptStarted(
              RunRecord.builder()
                  .id(d.id())
                  .trigger(d.trigger())
                  .scheduledAt(d.scheduledAt().toString())
                  .upstreamRuns(d.upstreamRuns()),
              1,
              job,
              now));
      notes.add(
          new Note(
              RunEvent.RunStarted,
              "Started run " + d.id() + " (" + d.trigger() + ") as Job " + job));
    }

    // ---- retry: failed attempts whose backoff has passed.

    private void retry() {
      for (RunRecord r : List.copyOf(runs.values())) {
        if (r.phase() != RunPhase.BACKING_OFF) continue;
        Instant at = instant(r.retryAt());
        if (at != null && now.isBefore(at)) {
          wakeups.add(at);
          continue;
        }
        int attempt = r.attempt() + 1;
        String job = Names.job(in.pipeline(), r.id(), attempt);
        create.add(
            new StartJob(r.id(), attempt, r.trigger(), job, r.scheduledAt(), r.upstreamRuns()));
        runs.put(
            r.id(),
            RunRecords.attemptStarted(
                RunRecord.builder()
                    .id(r.id())
                    .trigger(r.trigger())
                    .scheduledAt(r.scheduledAt())
                    .upstreamRuns(r.upstreamRuns()),
                attempt,
                job,
                now));
        notes.add(
            new Note(
                RunEvent.RetryStarted,
                "Retrying run " + r.id() + ": attempt " + attempt + " as Job " + job));
      }
    }

    // ---- result: history, status, requeue.

    private RunDecision result() {
      List<RunRecord> sorted = new ArrayList<>();
      started.forEach(id -> sorted.add(0, runs.get(id)));
      runs.values().stream().filter(r -> !started.contains(r.id())).forEach(sorted::add);
      sorted.sort(NEWEST_FIRST); // stable
      List<RunRecord> kept = new ArrayList<>();
      int finished = 0;
      for (RunRecord r : sorted) {
        if (inProgress(r) || finished++ < policy.historyLimit()) kept.add(r);
      }
      Set<String> keptIds = new HashSet<>();
      kept.forEach(r -> keptIds.add(r.id()));
      for (ObservedJob j : in.jobs()) {
        if (j.runId() != null && !keptIds.contains(j.runId()) && !delete.contains(j.name())) {
          delete.add(j.name());
        }
      }
      RunRecord lastRun = first(sorted, r -> r.phase() != RunPhase.SKIPPED);
      RunRecord lastFinished =
          first(
              sorted,
              r ->
                  r.phase() == RunPhase.SUCCEEDED
                      || (r.phase() == RunPhase.FAILED && r.failure() != RunFailure.REPLACED));
      RunRecord lastSuccess = first(sorted, r -> r.phase() == RunPhase.SUCCEEDED);
      if (lastSuccess == null) lastSuccess = prev.lastSuccessfulRun();
      RunRecord inProgress = first(sorted, RunScheduler::inProgress);
      String watermark =
          lastSuccess != null && lastSuccess.watermark() != null
              ? lastSuccess.watermark()
              : prev.watermark();
      String nextRunTime =
          suspended ? null : policy.cron().map(c -> c.next(now).toString()).orElse(null);
      if (nextRunTime != null) wakeups.add(Instant.parse(nextRunTime));
      String waitingFor = hasDependsOn() && upstreamsSucceeded().isEmpty() ? waitingFor() : null;
      boolean waiting = waitingFor != null;
      PipelinePhase phase;
      // A running worker is what matters most; a pending one next (a run can be both when
      // concurrencyPolicy Allow lets two overlap).
      if (first(sorted, r -> r.phase() == RunPhase.RUNNING) != null) phase = PipelinePhase.RUNNING;
      else if (first(sorted, r -> r.phase() == RunPhase.PENDING) != null) {
        phase = PipelinePhase.PENDING;
      } else if (inProgress != null) phase = PipelinePhase.BACKING_OFF;
      else if (suspended) phase = PipelinePhase.SUSPENDED;
      else if (waiting) phase = PipelinePhase.WAITING;
      else if (lastFinished != null) {
        phase =
            lastFinished.phase() == RunPhase.SUCCEEDED
                ? PipelinePhase.SUCCEEDED
                : PipelinePhase.FAILED;
      } else phase = PipelinePhase.IDLE;
      var facts =
          new PipelineConditions.Facts(
              lastFinished,
              inProgress,
              unschedulable(inProgress),
              suspended,
              waitingFor,
              nextRunTime);
      DataPipelineStatus status =
          DataPipelineStatus.builder()
              .observedGeneration(in.generation())
              .phase(phase)
              .conditions(PipelineConditions.of(facts, in.generation()))
              .lastRun(lastRun)
              .lastSuccessfulRun(lastSuccess)
              .runs(kept.isEmpty() ? null : List.copyOf(kept))
              .nextRunTime(nextRunTime)
              .lastScheduleTime(lastScheduleTime)
              .lastRunNow(lastRunNow)
              .lastSpecRunGeneration(lastSpecRunGeneration)
              .consumedUpstreamRuns(consumedUpstreamRuns)
              .watermark(watermark)
              .build();
      Optional<Duration> requeue =
          suspended
              ? Optional.empty()
              : wakeups.stream()
                  .min(Comparator.naturalOrder())
                  .map(t -> Duration.between(now, t))
                  .map(d -> d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d);
      return new RunDecision(
          List.copyOf(create), List.copyOf(delete), status, requeue, List.copyOf(notes));
    }

    /** Whether {@code run} waits for a node: its pending Job's pod is Unschedulable. */
    private boolean unschedulable(RunRecord run) {
      if (run == null || run.phase() != RunPhase.PENDING) return false;
      return in.jobs().stream()
          .anyMatch(
              j ->
                  j.name().equals(run.jobName())
                      && j.waiting() != null
                      && j.waiting().unschedulable());
    }

    private boolean hasDependsOn() {
      return in.spec().dependsOn() != null && !in.spec().dependsOn().isEmpty();
    }

    /** The upstreams that hold this pipeline back, and why. */
    private String waitingFor() {
      List<String> out = new ArrayList<>();
      for (UpstreamRef ref : in.spec().dependsOn()) {
        UpstreamRun u = in.upstreams().get(ref.name());
        if (u == null) out.add(ref.name() + " (no such DataPipeline in this namespace)");
        else if (u.runId() == null) out.add(ref.name() + " (has not run yet)");
        else if (!u.succeeded())
          out.add(ref.name() + " (latest run " + u.runId() + " is " + u.phase() + ")");
      }
      return "spec.dependsOn: " + String.join(", ", out);
    }

    /** The upstreams' latest run ids when every one's latest run succeeded. */
    private Optional<TreeMap<String, String>> upstreamsSucceeded() {
      if (!hasDependsOn()) return Optional.empty();
      TreeMap<String, String> set = new TreeMap<>();
      for (UpstreamRef ref : in.spec().dependsOn()) {
        UpstreamRun u = in.upstreams().get(ref.name());
        if (u == null || !u.succeeded()) return Optional.empty();
        set.put(ref.name(), u.runId());
      }
      return Optional.of(set);
    }
  }

  private static RunRecord first(List<RunRecord> runs, java.util.function.Predicate<RunRecord> p) {
    return runs.stream().filter(p).findFirst().orElse(null);
  }

  private static boolean inProgress(RunRecord r) {
    return r.phase() != null && r.phase().inProgress();
  }

  static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }
}

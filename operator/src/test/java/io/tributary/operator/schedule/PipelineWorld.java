package io.tributary.operator.schedule;

import io.tributary.operator.api.ConcurrencyPolicy;
import io.tributary.operator.api.DataPipelineSpec;
import io.tributary.operator.api.DataPipelineStatus;
import io.tributary.operator.api.RetryPolicy;
import io.tributary.operator.api.RunRecord;
import io.tributary.operator.api.Schedule;
import io.tributary.operator.api.UpstreamRef;
import io.tributary.operator.testing.MutableClock;
import io.tributary.pipeline.plan.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline and its Jobs on a fake clock: reconcile applies the scheduler's decision the way the
 * reconciler does (create Jobs, delete Jobs, write status), and the test plays Kubernetes by
 * finishing Jobs.
 */
final class PipelineWorld {
  final MutableClock clock;
  final RunScheduler scheduler;
  final String name;
  DataPipelineSpec spec;
  long generation = 1;
  Instant createdAt;
  String runNow;
  DataPipelineStatus status;
  final Map<String, ObservedJob> jobs = new LinkedHashMap<>();
  Map<String, UpstreamRun> upstreams = new LinkedHashMap<>();
  RunDecision last;
  final List<String> created = new ArrayList<>();

  PipelineWorld(String name, String now, DataPipelineSpec spec) {
    this(name, new MutableClock(Instant.parse(now)), spec);
  }

  PipelineWorld(String name, MutableClock clock, DataPipelineSpec spec) {
    this.name = name;
    this.clock = clock;
    this.scheduler = new RunScheduler(clock);
    this.spec = spec;
    this.createdAt = clock.instant();
  }

  RunDecision reconcile() {
    last =
        scheduler.decide(
            new RunInputs(
                name,
                spec,
                status,
                generation,
                createdAt,
                runNow,
                List.copyOf(jobs.values()),
                Map.copyOf(upstreams)));
    for (RunDecision.StartJob s : last.create()) {
      jobs.put(
          s.jobName(),
          new ObservedJob(
              s.jobName(),
              s.runId(),
              s.attempt(),
              s.trigger(),
              ObservedJob.State.ACTIVE,
              clock.instant(),
              null,
              null,
              false,
              null,
              s.scheduledAt() == null ? null : Instant.parse(s.scheduledAt()),
              s.upstreamRuns()));
      created.add(s.jobName());
    }
    last.delete().forEach(jobs::remove);
    status = last.status();
    return last;
  }

  void succeed(String job, long read, long written, String watermark) {
    finish(
        job,
        ObservedJob.State.SUCCEEDED,
        0,
        false,
        new RunSummary(
            runIdOf(job),
            RunSummary.SUCCEEDED,
            null,
            null,
            read,
            written,
            read - written,
            1000,
            watermark,
            List.of()));
  }

  void fail(String job, int exitCode, String failure, String message) {
    finish(
        job,
        ObservedJob.State.FAILED,
        exitCode,
        false,
        new RunSummary(
            runIdOf(job), RunSummary.FAILED, failure, message, 10, 0, 0, 1000, null, List.of()));
  }

  void killByDeadline(String job) {
    finish(job, ObservedJob.State.FAILED, null, true, null);
  }

  private void finish(
      String job, ObservedJob.State state, Integer exit, boolean deadline, RunSummary summary) {
    ObservedJob j = jobs.get(job);
    if (j == null) throw new IllegalArgumentException("no job " + job + " in " + jobs.keySet());
    jobs.put(
        job,
        new ObservedJob(
            j.name(),
            j.runId(),
            j.attempt(),
            j.trigger(),
            state,
            j.startedAt(),
            clock.instant(),
            exit,
            deadline,
            summary,
            j.scheduledAt(),
            j.upstreamRuns()));
  }

  private String runIdOf(String job) {
    return jobs.get(job).runId();
  }

  List<String> activeJobs() {
    return jobs.values().stream()
        .filter(j -> j.state() == ObservedJob.State.ACTIVE)
        .map(ObservedJob::name)
        .toList();
  }

  RunRecord run(String id) {
    return status.runs().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }

  String condition(String type) {
    return status.conditions().stream()
        .filter(c -> c.type().equals(type))
        .map(c -> c.status() + "/" + c.reason())
        .findFirst()
        .orElseThrow();
  }

  UpstreamRun asUpstream() {
    RunRecord r = status == null ? null : status.lastRun();
    return r == null ? new UpstreamRun(null, null) : new UpstreamRun(r.id(), r.phase());
  }

  void at(String instant) {
    clock.set(Instant.parse(instant));
  }

  void advance(Duration d) {
    clock.advance(d);
  }

  static Spec spec() {
    return new Spec();
  }

  /** A DataPipelineSpec with only what scheduling reads. */
  static final class Spec {
    Schedule schedule;
    List<UpstreamRef> dependsOn;
    RetryPolicy retries;
    ConcurrencyPolicy concurrency;
    Boolean suspend;
    Integer historyLimit;

    Spec cron(String cron) {
      return schedule(new Schedule(cron, null, null, null));
    }

    Spec schedule(Schedule s) {
      schedule = s;
      return this;
    }

    Spec dependsOn(String... names) {
      dependsOn = java.util.Arrays.stream(names).map(UpstreamRef::new).toList();
      return this;
    }

    Spec retries(Integer limit, String initial, String max) {
      retries = new RetryPolicy(limit, initial, max);
      return this;
    }

    Spec concurrency(ConcurrencyPolicy c) {
      concurrency = c;
      return this;
    }

    Spec suspend(boolean s) {
      suspend = s;
      return this;
    }

    Spec history(int n) {
      historyLimit = n;
      return this;
    }

    DataPipelineSpec build() {
      return new DataPipelineSpec(
          null,
          null,
          null,
          null,
          null,
          schedule,
          dependsOn,
          retries,
          concurrency,
          suspend,
          null,
          null,
          null,
          historyLimit);
    }
  }

  static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}

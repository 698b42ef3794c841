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
 * starting, placing and finishing their pods. A created Job's pod is starting until the test says
 * otherwise.
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
            RunInputs.builder()
                .pipeline(name)
                .spec(spec)
                .status(status)
                .generation(generation)
                .createdAt(createdAt)
                .runNow(runNow)
                .jobs(List.copyOf(jobs.values()))
                .upstreams(upstreams)
                .build());
    for (RunDecision.StartJob s : last.create()) {
      jobs.put(
          s.jobName(),
          ObservedJob.builder()
              .name(s.jobName())
              .runId(s.runId())
              .attempt(s.attempt())
              .trigger(s.trigger())
              .pending(ObservedJob.Waiting.starting(s.jobName()))
              .startedAt(clock.instant())
              .scheduledAt(s.scheduledAt() == null ? null : Instant.parse(s.scheduledAt()))
              .upstreamRuns(s.upstreamRuns())
              .build());
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
    jobs.put(
        job,
        job(job).toBuilder()
            .state(state)
            .finishedAt(clock.instant())
            .exitCode(exit)
            .deadlineExceeded(deadline)
            .summary(summary)
            .build());
  }

  /** The Job's pod was placed and its worker runs. */
  void podRuns(String job) {
    jobs.put(job, job(job).toBuilder().state(ObservedJob.State.RUNNING).build());
  }

  /** The scheduler found no node for the Job's pod, and said why. */
  void podUnschedulable(String job, String schedulerMessage) {
    jobs.put(
        job, job(job).toBuilder().pending(new ObservedJob.Waiting(true, schedulerMessage)).build());
  }

  private ObservedJob job(String job) {
    ObservedJob j = jobs.get(job);
    if (j == null) throw new IllegalArgumentException("no job " + job + " in " + jobs.keySet());
    return j;
  }

  private String runIdOf(String job) {
    return jobs.get(job).runId();
  }

  List<String> activeJobs() {
    return jobs.values().stream().filter(j -> !j.finished()).map(ObservedJob::name).toList();
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

  String conditionMessage(String type) {
    return status.conditions().stream()
        .filter(c -> c.type().equals(type))
        .map(c -> c.message())
        .findFirst()
        .orElseThrow();
  }

  UpstreamRun asUpstream() {
    return UpstreamRun.of(status == null ? null : status.lastRun());
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
      return schedule(Schedule.of(cron));
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
      return DataPipelineSpec.builder()
          .schedule(schedule)
          .dependsOn(dependsOn)
          .retries(retries)
          .concurrencyPolicy(concurrency)
          .suspend(suspend)
          .historyLimit(historyLimit)
          .build();
    }
  }

  static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}

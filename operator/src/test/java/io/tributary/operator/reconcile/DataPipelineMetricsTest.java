package io.tributary.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.schedule.RunIds;
import io.tributary.pipeline.plan.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * What an alert or a dashboard reads about DataPipelines (docs/metrics.md): runs counted once as
 * they end, even across an operator restart; the last success and schedule times; conditions and
 * refusals; all forgotten when the pipeline is deleted.
 */
class DataPipelineMetricsTest extends DataPipelineTestBase {
  private static final Map<String, String> HOURLY = Map.of("namespace", NS, "name", "hourly");

  @Test
  void runsAreCountedOnceAsTheyEndAndTheTimesComeFromStatus() {
    Instant first = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    create("hourly", "schedule: {cron: '0 * * * *'}");
    await().untilAsserted(() -> assertThat(status("hourly")).isNotNull());
    clock.set(first);
    poke("hourly");
    Job job = awaitJob("hourly-" + RunIds.schedule(first) + "-1");
    clock.advance(Duration.ofMinutes(3));
    Instant succeededAt = clock.instant();
    succeed(job, 10, 10, null);
    await().untilAsserted(() -> assertThat(runs("Succeeded")).isEqualTo(1));
    assertThat(runs("Failed")).as("every outcome starts at 0").isZero();
    assertThat(gauge("tributary_pipeline_last_success_timestamp_seconds"))
        .hasValue(succeededAt.getEpochSecond());
    assertThat(gauge("tributary_pipeline_last_schedule_timestamp_seconds"))
        .hasValue(first.getEpochSecond());
    assertThat(gauge("tributary_pipeline_next_run_timestamp_seconds"))
        .hasValue(first.plus(Duration.ofHours(1)).getEpochSecond());
    assertThat(value("tributary_pipeline_run_duration_seconds_sum", Map.of("outcome", "Succeeded")))
        .as("from the schedule time to the end")
        .hasValue(180);

    Instant second = first.plus(Duration.ofHours(1));
    clock.set(second);
    poke("hourly");
    fail(awaitJob("hourly-" + RunIds.schedule(second) + "-1"), 65, RunSummary.PERMANENT, "bad");
    await().untilAsserted(() -> assertThat(runs("Failed")).isEqualTo(1));
    assertThat(
            value(
                "tributary_resource_condition",
                Map.of(
                    "kind", "DataPipeline",
                    "type", "Degraded",
                    "status", "True",
                    "reason", "RetriesExhausted")))
        .hasValue(1);
    assertThat(gauge("tributary_pipeline_last_success_timestamp_seconds"))
        .hasValue(succeededAt.getEpochSecond());
    assertThat(gauge("tributary_pipeline_last_schedule_timestamp_seconds"))
        .hasValue(second.getEpochSecond());
    poke("hourly");
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(() -> assertThat(runs("Failed")).isEqualTo(1));

    // A new operator reads the ended runs back from status: it shows the times, counts nothing.
    cluster.stopOperator();
    cluster.startOperator();
    poke("hourly");
    await()
        .untilAsserted(
            () ->
                assertThat(gauge("tributary_pipeline_last_success_timestamp_seconds"))
                    .hasValue(succeededAt.getEpochSecond()));
    assertThat(runs("Succeeded")).isZero();
    assertThat(runs("Failed")).isZero();
  }

  @Test
  void aRefusedPipelineShowsItsReasonUntilItIsDeleted() {
    create("orders", "compute: {pool: no-such-pool}", false);
    Map<String, String> orders = Map.of("kind", "DataPipeline", "namespace", NS, "name", "orders");
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.scrape().series("tributary_resource_refused", orders))
                    .singleElement()
                    .satisfies(s -> assertThat(s.labels()).containsEntry("reason", "UnknownPool")));
    cluster.client().resources(DataPipeline.class).inNamespace(NS).withName("orders").delete();
    await()
        .untilAsserted(
            () -> {
              assertThat(cluster.scrape().series("tributary_resource_refused", orders)).isEmpty();
              assertThat(cluster.scrape().series("tributary_resource_condition", orders)).isEmpty();
            });
  }

  private double runs(String outcome) {
    return value("tributary_pipeline_runs_total", Map.of("outcome", outcome)).orElse(-1);
  }

  private OptionalDouble gauge(String name) {
    return value(name, Map.of());
  }

  private OptionalDouble value(String name, Map<String, String> labels) {
    var all = new java.util.HashMap<>(HOURLY);
    all.putAll(labels);
    return cluster.scrape().value(name, all);
  }
}

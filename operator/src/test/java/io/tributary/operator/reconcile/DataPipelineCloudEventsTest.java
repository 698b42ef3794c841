package io.tributary.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tributary.events.TributaryEvents;
import io.tributary.operator.api.PipelinePhase;
import io.tributary.operator.api.RunPhase;
import io.tributary.operator.testing.TestingCloudEventPublisher.Published;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.plan.RunSummary;
import io.tributary.pipeline.plan.WorkerPlan;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A run's worker sends its own events; the operator speaks only for a worker killed before it could
 * (docs/events.md), with the id the worker would have used.
 */
class DataPipelineCloudEventsTest extends DataPipelineTestBase {
  private static final String EVENTS = "events: {http: {url: 'http://receiver.ml:8080/fresh'}}";

  @Test
  void aRunWhoseWorkerWasKilledIsReportedFailedByTheOperator() throws Exception {
    create("orders", EVENTS);
    Job job = awaitJob("orders-g1-1");
    podRuns(job);
    await()
        .untilAsserted(
            () -> assertThat(status("orders").lastRun().phase()).isEqualTo(RunPhase.RUNNING));

    killed(job, 137, "OOMKilled");

    await().until(() -> cluster.cloudEvents().published().size() == 1);
    Published p = cluster.cloudEvents().published().get(0);
    assertThat(p.destination())
        .isEqualTo(
            new EventsSpec(null, new EventsSpec.Http("http://receiver.ml:8080/fresh", "5s", 3)));
    String runId = job.getMetadata().getLabels().get("tributary.io/run-id");
    var m = pipeline("orders").getMetadata();
    assertThat(p.event().getType()).isEqualTo("io.tributary.datapipeline.run.failed");
    assertThat(p.event().getId())
        .isEqualTo(
            TributaryEvents.id(
                new WorkerPlan.PipelineIdentity(m.getNamespace(), m.getName(), m.getUid()),
                "run/" + runId + "/1/failed"));
    assertThat(p.event().getSubject()).isEqualTo(runId);
    JsonNode data = new ObjectMapper().readTree(p.event().getData().toBytes());
    assertThat(data.at("/failure/kind").asText()).isEqualTo("retryable");
    assertThat(data.at("/failure/message").asText()).isEqualTo("the worker exited with code 137");
    // The worker counted nothing the operator could know: no counts rather than zeros.
    assertThat(data.has("records")).isFalse();
    assertThat(status("orders").phase()).isEqualTo(PipelinePhase.BACKING_OFF);
  }

  @Test
  void aFailureTheWorkerReportedItselfIsNotRepeated() {
    create("orders", EVENTS);
    fail(awaitJob("orders-g1-1"), 75, RunSummary.RETRYABLE, "source database unreachable");
    await()
        .untilAsserted(
            () -> assertThat(status("orders").phase()).isEqualTo(PipelinePhase.BACKING_OFF));
    poke("orders");
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(() -> assertThat(cluster.cloudEvents().published()).isEmpty());
  }
}

package io.tributary.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.status.Conditions;
import io.tributary.operator.status.Conditions.Reason;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** tributary_operator_resources counts every kind: phases where there are, readiness elsewhere. */
class ResourcesGaugeTest {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final OperatorMetrics metrics = new OperatorMetrics(registry);

  @Test
  void everyKindIsCountedByPhaseOrByReadiness() {
    metrics.phase(named(new DataPipeline(), "nightly", "a"), "Succeeded");
    metrics.phase(named(new DataPipeline(), "hourly", "a"), "Running");
    ready(named(new StreamJob(), "fraud", "a"), true, Reason.WorkersAvailable);
    ready(named(new StreamJob(), "aml", "a"), false, Reason.WorkersUnavailable);
    ready(named(new StreamJob(), "eu", "b"), false, Reason.ResidencyViolation);
    ready(named(new ComputePool(), "cpu-uae", null), true, Reason.NodesReady);

    assertThat(counts())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "DataPipeline/Running", 1.0,
                "DataPipeline/Succeeded", 1.0,
                "StreamJob/Ready", 1.0,
                "StreamJob/WorkersUnavailable", 1.0,
                "StreamJob/ResidencyViolation", 1.0,
                "ComputePool/Ready", 1.0));
  }

  @Test
  void aDeletedResourceIsNoLongerCounted() {
    StreamJob job = named(new StreamJob(), "fraud", "a");
    ready(job, false, Reason.WorkersUnavailable);
    metrics.resources().conditions(job, null);
    assertThat(counts()).isEmpty();
  }

  private void ready(HasMetadata r, boolean ready, Reason reason) {
    metrics
        .resources()
        .conditions(r, List.of(Conditions.of(Conditions.READY, ready, reason, "", 1)));
  }

  private Map<String, Double> counts() {
    Map<String, Double> out = new TreeMap<>();
    registry.scrape().stream()
        .filter(s -> s.getMetadata().getName().equals("tributary_operator_resources"))
        .flatMap(s -> ((GaugeSnapshot) s).getDataPoints().stream())
        .forEach(
            d ->
                out.put(
                    d.getLabels().get("kind") + "/" + d.getLabels().get("phase"), d.getValue()));
    return out;
  }

  private static <T extends HasMetadata> T named(T r, String name, String namespace) {
    r.getMetadata().setName(name);
    r.getMetadata().setNamespace(namespace);
    return r;
  }
}

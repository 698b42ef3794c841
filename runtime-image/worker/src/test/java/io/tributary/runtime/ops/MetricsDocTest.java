package io.tributary.runtime.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md lists exactly what a worker's /metrics serves: every metric WorkerMetrics
 * registers has a row in its "Workers" section, and every row there is one it registers.
 */
class MetricsDocTest {
  private static final Path DOC = Path.of("../../docs/metrics.md");
  private static final Pattern ROW = Pattern.compile("^\\| `([a-zA-Z_:][a-zA-Z0-9_:]*)` \\|");

  @Test
  void theWorkersSectionListsExactlyTheRegisteredMetrics() throws IOException {
    Set<String> registered = new TreeSet<>();
    new WorkerMetrics("analytics", "orders")
        .registry()
        .scrape()
        .forEach(s -> registered.add(exposedName(s)));

    Set<String> documented = new TreeSet<>();
    boolean in = false;
    for (String line : Files.readString(DOC).split("\n")) {
      if (line.startsWith("## ")) in = line.equals("## Workers");
      Matcher m = ROW.matcher(line);
      if (in && m.find()) documented.add(m.group(1));
    }
    assertThat(documented).as("rows under '## Workers' in docs/metrics.md").isNotEmpty();
    assertThat(registered).as("registered but not in docs/metrics.md").isSubsetOf(documented);
    assertThat(documented).as("in docs/metrics.md but not registered").isSubsetOf(registered);
  }

  /** The name a scrape shows (and a query uses): counters end in _total. */
  private static String exposedName(MetricSnapshot s) {
    String name = s.getMetadata().getPrometheusName();
    return s instanceof CounterSnapshot ? name + "_total" : name;
  }
}

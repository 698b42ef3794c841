package io.tributary.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
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
 * docs/metrics.md lists exactly what the operator's /metrics serves: every metric Main registers
 * (OperatorMetrics and the JVM's) has a row in its "Operator" section, and every row there is a
 * metric the operator registers.
 */
class MetricsDocTest {
  private static final Path DOC = Path.of("../docs/metrics.md");
  private static final Pattern ROW = Pattern.compile("^\\| `([a-zA-Z_:][a-zA-Z0-9_:]*)` \\|");

  @Test
  void theOperatorSectionListsExactlyTheRegisteredMetrics() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    // As Main registers them.
    JvmMetrics.builder().register(registry);
    new OperatorMetrics(registry);
    Set<String> registered = new TreeSet<>();
    registry.scrape().forEach(s -> registered.add(exposedName(s)));

    Set<String> documented = documented(Files.readString(DOC), "Operator");
    assertThat(registered).as("registered but not in docs/metrics.md").isSubsetOf(documented);
    assertThat(documented).as("in docs/metrics.md but not registered").isSubsetOf(registered);
  }

  /** The name a scrape shows (and a query uses): counters end in _total, infos in _info. */
  static String exposedName(MetricSnapshot s) {
    String name = s.getMetadata().getPrometheusName();
    if (s instanceof CounterSnapshot) return name + "_total";
    if (s instanceof InfoSnapshot) return name + "_info";
    return name;
  }

  /** Metric names in the table rows of a "## {@code section}" part of the doc. */
  static Set<String> documented(String doc, String section) {
    Set<String> names = new TreeSet<>();
    boolean in = false;
    for (String line : doc.split("\n")) {
      if (line.startsWith("## ")) in = line.equals("## " + section);
      Matcher m = ROW.matcher(line);
      if (in && m.find()) names.add(m.group(1));
    }
    assertThat(names).as("rows under '## %s' in docs/metrics.md", section).isNotEmpty();
    return names;
  }
}

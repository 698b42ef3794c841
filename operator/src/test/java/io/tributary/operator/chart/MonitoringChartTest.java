package io.tributary.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.tributary.operator.render.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The chart's monitoring objects (values monitoring.*): off by default; the PrometheusRule is the
 * rules file promtool tests (monitoring/test.sh) unless values override a named part of it; the
 * monitors scrape what the operator and the workers really serve; the dashboard is a ConfigMap
 * Grafana's sidecar picks up.
 */
class MonitoringChartTest {
  private static final Path CHART = Path.of("../charts/tributary");
  private static final Path RULES = CHART.resolve("files/alerts.rules.yaml");
  private static final Path DASHBOARD = CHART.resolve("files/dashboard.json");
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void monitoringIsOffByDefault() throws IOException {
    List<JsonNode> objects = render(t -> t);
    assertThat(objects)
        .extracting(o -> o.path("kind").asText())
        .doesNotContain("PrometheusRule", "ServiceMonitor", "PodMonitor");
    assertThat(objects).noneMatch(o -> name(o).equals("tributary-dashboard"));
  }

  @Test
  void thePrometheusRuleCarriesTheRulesFilePromtoolTests() throws IOException {
    JsonNode rule =
        one(render(t -> t.set("monitoring.prometheusRule.enabled", true)), "PrometheusRule");
    assertThat(rule.path("metadata").path("namespace").asText()).isEqualTo("tributary-system");
    assertThat(rule.path("spec").path("groups"))
        .isEqualTo(YAML.readTree(RULES.toFile()).path("groups"));
  }

  @Test
  void valuesChangeOnlyTheAlertsAndNumbersTheyName() throws IOException {
    JsonNode groups =
        one(
                render(
                    t ->
                        t.set("monitoring.prometheusRule.enabled", true)
                            .set("monitoring.prometheusRule.thresholds.deadLetterRatio", "0.05")
                            .set(
                                "monitoring.prometheusRule.alerts.TributaryNoRecentSuccess.for",
                                "6h")
                            .set(
                                "monitoring.prometheusRule.alerts.TributaryRunFailed.severity",
                                "critical")
                            .set(
                                "monitoring.prometheusRule.alerts.TributaryWorkerLabelsMissing.enabled",
                                false)
                            .set("monitoring.prometheusRule.alertLabels.team", "data-platform")
                            .set(
                                "monitoring.prometheusRule.runbookBaseUrl",
                                "https://git.example.com/platform/tributary/-/blob/main/docs/runbooks.md")
                            .set("monitoring.prometheusRule.labels.release", "kube-prometheus")),
                "PrometheusRule")
            .path("spec")
            .path("groups");
    JsonNode file = YAML.readTree(RULES.toFile()).path("groups");

    JsonNode deadLetters = alert(groups, "TributaryDeadLetterRateHigh").orElseThrow();
    assertThat(deadLetters.path("expr").asText())
        .isEqualTo(
            alert(file, "TributaryDeadLetterRateHigh")
                .orElseThrow()
                .path("expr")
                .asText()
                .replace(
                    "> 0.01 # threshold: deadLetterRatio", "> 0.05 # threshold: deadLetterRatio"));
    assertThat(alert(groups, "TributaryNoRecentSuccess").orElseThrow().path("for").asText())
        .isEqualTo("6h");
    assertThat(
            alert(groups, "TributaryRunFailed")
                .orElseThrow()
                .path("labels")
                .path("severity")
                .asText())
        .isEqualTo("critical");
    assertThat(alert(groups, "TributaryWorkerLabelsMissing")).isEmpty();
    assertThat(alerts(groups)).hasSize(alerts(file).size() - 1);
    for (JsonNode a : alerts(groups)) {
      assertThat(a.path("labels").path("team").asText()).isEqualTo("data-platform");
      assertThat(a.path("annotations").path("runbook_url").asText())
          .isEqualTo(
              "https://git.example.com/platform/tributary/-/blob/main/docs/runbooks.md#"
                  + a.path("alert").asText().toLowerCase());
      // Everything else as the file has it.
      JsonNode original = alert(file, a.path("alert").asText()).orElseThrow();
      assertThat(a.path("annotations").path("description"))
          .isEqualTo(original.path("annotations").path("description"));
      if (!a.path("alert").asText().equals("TributaryDeadLetterRateHigh")) {
        assertThat(a.path("expr")).isEqualTo(original.path("expr"));
      }
    }
  }

  /**
   * A typo must not leave an alert at its default unnoticed: the install fails and names the key.
   * (The template says so itself; values.schema.json may say it first, in its own words.)
   */
  @Test
  void aMisspeltAlertOrThresholdFailsTheInstall() {
    for (String[] typo :
        new String[][] {
          {"monitoring.prometheusRule.alerts.TributaryRunFaild.for", "1h", "TributaryRunFaild"},
          {"monitoring.prometheusRule.thresholds.deadLetterRate", "0.05", "deadLetterRate"},
          {"monitoring.prometheusRule.thresholds.deadLetterRatio", "1%", "deadLetterRatio"},
          {"monitoring.prometheusRule.alerts.TributaryRunFailed.for", "an hour", "for"},
          {"monitoring.prometheusRule.enabeld", "true", "enabeld"}
        }) {
      assertThatThrownBy(
              () ->
                  render(
                      t -> t.set("monitoring.prometheusRule.enabled", true).set(typo[0], typo[1])))
          .as("%s=%s", typo[0], typo[1])
          .hasMessageContaining(typo[2]);
    }
  }

  @Test
  void theServiceMonitorScrapesTheOperatorsMetricsServiceKeepingThePipelinesNamespaces()
      throws IOException {
    List<JsonNode> objects =
        render(
            t ->
                t.set("monitoring.serviceMonitor.enabled", true)
                    .set("monitoring.serviceMonitor.labels.release", "kube-prometheus"));
    JsonNode monitor = one(objects, "ServiceMonitor");
    JsonNode service =
        objects.stream()
            .filter(o -> name(o).equals("tributary-operator-metrics"))
            .findFirst()
            .orElseThrow();
    Map<String, String> serviceLabels = strings(service.path("metadata").path("labels"));
    assertThat(serviceLabels)
        .containsAllEntriesOf(strings(monitor.path("spec").path("selector").path("matchLabels")));
    assertThat(monitor.path("spec").path("namespaceSelector").path("matchNames").get(0).asText())
        .isEqualTo("tributary-system");
    JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
    assertThat(endpoint.path("port").asText())
        .isEqualTo(service.path("spec").path("ports").get(0).path("name").asText());
    assertThat(endpoint.path("honorLabels").asBoolean()).isTrue();
    assertThat(monitor.path("metadata").path("labels").path("release").asText())
        .isEqualTo("kube-prometheus");
  }

  @Test
  void thePodMonitorSelectsEveryWorkerPodAndItsMetricsPort() throws IOException {
    JsonNode monitor = one(render(t -> t.set("monitoring.podMonitor.enabled", true)), "PodMonitor");
    Map<String, String> selector =
        strings(monitor.path("spec").path("selector").path("matchLabels"));
    assertThat(selector).isEqualTo(Labels.workers());
    assertThat(monitor.path("spec").path("namespaceSelector").path("any").asBoolean()).isTrue();
    JsonNode endpoint = monitor.path("spec").path("podMetricsEndpoints").get(0);
    assertThat(endpoint.path("honorLabels").asBoolean()).isTrue();
    // What the renderers make: a stream worker's and a batch run's pod template (golden files).
    for (JsonNode pod : workerPodTemplates()) {
      assertThat(strings(pod.path("metadata").path("labels"))).containsAllEntriesOf(selector);
      assertThat(pod.findValues("ports").stream().flatMap(p -> list(p).stream()))
          .anySatisfy(
              p -> assertThat(p.path("name").asText()).isEqualTo(endpoint.path("port").asText()));
    }

    JsonNode scoped =
        one(
            render(
                t ->
                    t.set("monitoring.podMonitor.enabled", true)
                        .set("watchNamespaces[0]", "payments")
                        .set("watchNamespaces[1]", "analytics")),
            "PodMonitor");
    assertThat(list(scoped.path("spec").path("namespaceSelector").path("matchNames")))
        .extracting(JsonNode::asText)
        .containsExactly("payments", "analytics");
  }

  /** The crash-loop alert finds workers by the container name and labels they really have. */
  @Test
  void theCrashLoopAlertSelectsWhatWorkerPodsCarry() throws IOException {
    String expr =
        alert(YAML.readTree(RULES.toFile()).path("groups"), "TributaryWorkerCrashLooping")
            .orElseThrow()
            .path("expr")
            .asText();
    for (JsonNode pod : workerPodTemplates()) {
      String container = pod.path("spec").path("containers").get(0).path("name").asText();
      assertThat(expr).contains("container=\"" + container + "\"");
      Map<String, String> labels = strings(pod.path("metadata").path("labels"));
      assertThat(expr)
          .contains(
              "label_app_kubernetes_io_name=\"" + labels.get("app.kubernetes.io/name") + "\"");
      assertThat(labels).containsKey("tributary.io/pipeline");
    }
  }

  @Test
  void theDashboardIsAConfigMapForGrafanasSidecar() throws IOException {
    JsonNode map =
        render(
                t ->
                    t.set("monitoring.dashboard.enabled", true)
                        .set("monitoring.dashboard.namespace", "grafana")
                        .set("monitoring.dashboard.annotations.grafana_folder", "Tributary"))
            .stream()
            .filter(o -> name(o).equals("tributary-dashboard"))
            .findFirst()
            .orElseThrow();
    assertThat(map.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(map.path("metadata").path("namespace").asText()).isEqualTo("grafana");
    assertThat(map.path("metadata").path("labels").path("grafana_dashboard").asText())
        .isEqualTo("1");
    assertThat(map.path("metadata").path("annotations").path("grafana_folder").asText())
        .isEqualTo("Tributary");
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(map.path("data").path("tributary.json").asText()))
        .isEqualTo(json.readTree(DASHBOARD.toFile()));
  }

  private static List<JsonNode> render(UnaryOperator<TemplateCommand> values) throws IOException {
    String out =
        values
            .apply(
                new Helm(CHART)
                    .template()
                    .withName("tributary")
                    .withNamespace("tributary-system")
                    .withKubeVersion("v1.34.0"))
            .call();
    List<JsonNode> objects = new ArrayList<>();
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(out)) {
      while (docs.hasNext()) {
        JsonNode d = docs.next();
        if (d != null && d.isObject() && !d.isEmpty()) objects.add(d);
      }
    }
    return objects;
  }

  private static JsonNode one(List<JsonNode> objects, String kind) {
    List<JsonNode> found =
        objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    assertThat(found).as(kind).hasSize(1);
    return found.get(0);
  }

  private static String name(JsonNode o) {
    return o.path("metadata").path("name").asText();
  }

  private static List<JsonNode> alerts(JsonNode groups) {
    List<JsonNode> out = new ArrayList<>();
    groups.forEach(g -> g.path("rules").forEach(out::add));
    return out;
  }

  private static Optional<JsonNode> alert(JsonNode groups, String name) {
    return alerts(groups).stream().filter(a -> a.path("alert").asText().equals(name)).findFirst();
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new TreeMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** The pod templates of the renderers' golden files: a StreamJob's Deployment, a run's Job. */
  private static List<JsonNode> workerPodTemplates() throws IOException {
    List<JsonNode> pods = new ArrayList<>();
    for (String golden :
        List.of(
            "StreamJobRendererTest.fraudScoringOnACpuPoolPinnedToItsRegion.yaml",
            "DataPipelineRendererTest.scheduledRunOfCustomerFeatures.yaml")) {
      try (var docs =
          YAML.readerFor(JsonNode.class).<JsonNode>readValues(GOLDEN.resolve(golden).toFile())) {
        while (docs.hasNext()) {
          JsonNode d = docs.next();
          String kind = d.path("kind").asText();
          if (kind.equals("Deployment") || kind.equals("Job")) {
            pods.add(d.path("spec").path("template"));
          }
        }
      }
    }
    assertThat(pods).hasSize(2);
    return pods;
  }
}

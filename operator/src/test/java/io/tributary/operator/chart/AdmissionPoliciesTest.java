package io.tributary.operator.chart;

import static io.tributary.operator.chart.AdmissionPolicies.byKindAndName;
import static io.tributary.operator.chart.AdmissionPolicies.documents;
import static io.tributary.operator.chart.AdmissionPolicies.refusals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart's residency ValidatingAdmissionPolicies, rendered and evaluated: what they refuse in a
 * namespace labelled tributary.io/residency, with which message, and that the operator's own
 * workers (the renderers' goldens) and the shipped samples pass.
 */
class AdmissionPoliciesTest {
  private static final List<JsonNode> CHART = documents(Chart.template(Map.of()));
  private static final JsonNode PIPELINES =
      byKindAndName(CHART, "ValidatingAdmissionPolicy", "tributary-residency").orElseThrow();
  private static final JsonNode PODS =
      byKindAndName(CHART, "ValidatingAdmissionPolicy", "tributary-residency-pods").orElseThrow();
  private static final JsonNode UAE =
      yaml(
          """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: uae-banking
        labels: {tributary.io/residency: me-central-1, kubernetes.io/metadata.name: uae-banking}
      """);

  @Test
  void eachPolicyIsBoundToDenyAndMatchesOnlyLabelledNamespaces() {
    for (String name : List.of("tributary-residency", "tributary-residency-pods")) {
      JsonNode binding =
          byKindAndName(CHART, "ValidatingAdmissionPolicyBinding", name).orElseThrow();
      assertThat(binding.path("spec").path("policyName").asText()).isEqualTo(name);
      assertThat(binding.path("spec").path("validationActions").toString()).isEqualTo("[\"Deny\"]");
      JsonNode policy = byKindAndName(CHART, "ValidatingAdmissionPolicy", name).orElseThrow();
      assertThat(policy.path("spec").path("failurePolicy").asText()).isEqualTo("Fail");
      assertThat(policy.path("spec").path("matchConstraints").path("namespaceSelector").toString())
          .contains("{\"key\":\"tributary.io/residency\",\"operator\":\"Exists\"}");
    }
    assertThat(PODS.path("spec").path("matchConstraints").path("namespaceSelector").toString())
        .contains(
            "{\"key\":\"kubernetes.io/metadata.name\",\"operator\":\"NotIn\","
                + "\"values\":[\"tributary-system\",\"kube-system\"]}");
  }

  @Test
  void offSwitchRendersNoPolicy() {
    String rendered = Chart.template(Map.of("admissionPolicies.enabled", false));
    assertThat(documents(rendered))
        .noneMatch(d -> d.path("kind").asText().startsWith("ValidatingAdmissionPolicy"));
  }

  @Test
  void exemptNamespacesAreAddedToTheReleasesOwn() {
    List<JsonNode> docs =
        documents(
            Chart.template(
                sets(
                    "admissionPolicies.exemptNamespaces[0]", "kube-system",
                    "admissionPolicies.exemptNamespaces[1]", "monitoring")));
    JsonNode pods =
        byKindAndName(docs, "ValidatingAdmissionPolicy", "tributary-residency-pods").orElseThrow();
    assertThat(pods.path("spec").path("matchConstraints").path("namespaceSelector").toString())
        .contains("[\"tributary-system\",\"kube-system\",\"monitoring\"]");
  }

  @Test
  void denyAndWarnTogetherFailAtInstallWithTheFix() {
    assertThatThrownBy(
            () ->
                Chart.template(
                    sets(
                        "admissionPolicies.validationActions[0]", "Deny",
                        "admissionPolicies.validationActions[1]", "Warn")))
        .hasMessageContaining("Deny and Warn cannot be combined");
  }

  @Test
  void aStreamJobNamingAnotherRegionIsRefusedWithFieldAndBothRegions() {
    JsonNode job = streamJob("residency: {region: eu-west-1}", "", "");
    assertThat(refusals(PIPELINES, "CREATE", job, null, UAE))
        .containsExactly(
            "spec.residency.region is eu-west-1 but namespace uae-banking is labelled"
                + " tributary.io/residency=me-central-1, and the label wins: set"
                + " spec.residency.region to me-central-1 or remove it");
  }

  @Test
  void aSourceOrSinkInAnotherRegionIsRefused() {
    JsonNode job = streamJob("", "region: eu-west-1", "region: us-east-1");
    assertThat(refusals(PIPELINES, "CREATE", job, null, UAE))
        .containsExactly(
            "spec.source.region is eu-west-1 but namespace uae-banking is labelled"
                + " tributary.io/residency=me-central-1: read from a source in me-central-1",
            "spec.sink.region is us-east-1 but namespace uae-banking is labelled"
                + " tributary.io/residency=me-central-1: write to a sink in me-central-1");
  }

  @Test
  void pipelinesInTheLabelsRegionOrNamingNoneAreAdmitted() {
    assertThat(refusals(PIPELINES, "CREATE", streamJob("", "", ""), null, UAE)).isEmpty();
    JsonNode all =
        streamJob(
            "residency: {region: me-central-1}", "region: me-central-1", "region: me-central-1");
    assertThat(refusals(PIPELINES, "CREATE", all, null, UAE)).isEmpty();
  }

  @Test
  void theShippedUaeSamplesAreAdmitted() throws IOException {
    List<JsonNode> samples =
        documents(Files.readString(Path.of("../config/samples/uae-banking.yaml")));
    assertThat(samples).isNotEmpty();
    for (JsonNode sample : samples) {
      assertThat(refusals(PIPELINES, "CREATE", sample, null, UAE))
          .as(sample.path("metadata").path("name").asText())
          .isEmpty();
    }
  }

  @Test
  void anUpdateIsJudgedOnlyWhenItWritesTheSpec() {
    JsonNode stored = streamJob("residency: {region: eu-west-1}", "", "");
    JsonNode annotated = stored.deepCopy();
    ((ObjectNode) annotated.path("metadata")).putObject("annotations").put("a", "b");
    assertThat(refusals(PIPELINES, "UPDATE", annotated, stored, UAE)).isEmpty();
    JsonNode edited = streamJob("residency: {region: eu-central-1}", "", "");
    assertThat(refusals(PIPELINES, "UPDATE", edited, stored, UAE))
        .singleElement()
        .asString()
        .startsWith("spec.residency.region is eu-central-1");
  }

  @Test
  void theOperatorsWorkersPass() throws IOException {
    for (String golden :
        List.of(
            "StreamJobRendererTest.fraudScoringOnACpuPoolPinnedToItsRegion",
            "DataPipelineRendererTest.scheduledRunOfCustomerFeatures")) {
      List<JsonNode> objects =
          documents(Files.readString(Path.of("src/test/resources/golden/" + golden + ".yaml")));
      JsonNode workload =
          objects.stream()
              .filter(o -> List.of("Deployment", "Job").contains(o.path("kind").asText()))
              .findFirst()
              .orElseThrow();
      JsonNode pod = pod(workload.path("spec").path("template").path("spec"));
      assertThat(refusals(PODS, "CREATE", pod, null, UAE)).as(golden).isEmpty();
    }
  }

  @Test
  void aBarePodIsRefusedNamingTheNamespaceAndRegion() {
    assertThat(
            refusals(
                PODS, "CREATE", pod(yaml("containers: [{name: c, image: busybox}]")), null, UAE))
        .containsExactly(
            "namespace uae-banking is labelled tributary.io/residency=me-central-1: its pods need"
                + " a required node affinity (or a nodeSelector) on topology.kubernetes.io/region"
                + " with the value me-central-1");
  }

  @Test
  void onlyAPlacementThatCannotLeaveTheRegionIsAdmitted() {
    assertThat(admitted("nodeSelector: {topology.kubernetes.io/region: me-central-1}")).isTrue();
    assertThat(admitted("nodeSelector: {topology.kubernetes.io/region: eu-west-1}")).isFalse();
    assertThat(admitted(required("[{matchExpressions: [" + region("[me-central-1]") + "]}]")))
        .isTrue();
    assertThat(
            admitted(
                required(
                    "[{matchExpressions: [{key: disk, operator: In, values: [ssd]}, "
                        + region("[me-central-1]")
                        + "]}]")))
        .isTrue();
    // Terms are ORed: one without the region lets the scheduler pick any region.
    assertThat(
            admitted(
                required(
                    "[{matchExpressions: ["
                        + region("[me-central-1]")
                        + "]}, {matchExpressions: [{key: disk, operator: In, values: [ssd]}]}]")))
        .isFalse();
    assertThat(
            admitted(
                required("[{matchExpressions: [" + region("[me-central-1, eu-west-1]") + "]}]")))
        .isFalse();
    assertThat(
            admitted(
                required(
                    "[{matchExpressions: [{key: topology.kubernetes.io/region, operator: NotIn,"
                        + " values: [eu-west-1]}]}]")))
        .isFalse();
    assertThat(
            admitted(
                "affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight:"
                    + " 1, preference: {matchExpressions: ["
                    + region("[me-central-1]")
                    + "]}}]}}"))
        .isFalse();
  }

  private static Map<String, Object> sets(String... keysAndValues) {
    Map<String, Object> sets = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2)
      sets.put(keysAndValues[i], keysAndValues[i + 1]);
    return sets;
  }

  private static boolean admitted(String podSpecFields) {
    JsonNode spec = yaml("containers: [{name: c, image: busybox}]\n" + podSpecFields);
    return refusals(PODS, "CREATE", pod(spec), null, UAE).isEmpty();
  }

  private static String required(String terms) {
    return "affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution:"
        + " {nodeSelectorTerms: "
        + terms
        + "}}}";
  }

  private static String region(String values) {
    return "{key: topology.kubernetes.io/region, operator: In, values: " + values + "}";
  }

  private static JsonNode pod(JsonNode spec) {
    ObjectNode pod = (ObjectNode) yaml("{apiVersion: v1, kind: Pod, metadata: {name: p}}");
    pod.set("spec", spec);
    return pod;
  }

  private static JsonNode streamJob(String residency, String source, String sink) {
    return yaml(
        """
        apiVersion: tributary.io/v1
        kind: StreamJob
        metadata: {name: transfers, namespace: uae-banking}
        spec:
          %s
          source: {kafka: {topic: uae-banking.transfers}, %s}
          sink: {kafka: {topic: uae-banking.scored}, %s}
        """
            .formatted(residency, source, sink));
  }

  private static JsonNode yaml(String text) {
    try {
      return AdmissionPolicies.YAML.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}

package io.tributary.operator.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated CRDs stay within what a real API server and Argo CD accept. Each check here is a
 * refusal we met on a v1.34 kube-apiserver (or drift Argo CD would show), turned into a unit test
 * so it is caught before a cluster is involved.
 */
class CrdApiServerLimitsTest {
  private static final YAMLMapper YAML = new YAMLMapper();

  static List<Path> crds() {
    return GeneratedCrds.files();
  }

  private static JsonNode schema(Path crd) throws IOException {
    return YAML.readTree(crd.toFile())
        .path("spec")
        .path("versions")
        .path(0)
        .path("schema")
        .path("openAPIV3Schema");
  }

  @ParameterizedTest
  @MethodSource("crds")
  void everyIteratedListAndMatchedStringIsBounded(Path crd) throws IOException {
    assertThat(CelCostBounds.check(schema(crd))).as(crd.toString()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("crds")
  void noNodeRepeatsARule(Path crd) throws IOException {
    // Server-side apply treats x-kubernetes-validations as a map keyed by rule and refuses
    // duplicates; Fabric8 duplicates a @ValidationRule placed on a record component.
    List<String> duplicates = new ArrayList<>();
    eachNode(
        schema(crd),
        "",
        (path, node) -> {
          Set<String> seen = new HashSet<>();
          node.path("x-kubernetes-validations")
              .forEach(
                  r -> {
                    if (!seen.add(r.path("rule").asText())) {
                      duplicates.add(path + ": " + r.path("rule").asText());
                    }
                  });
        });
    assertThat(duplicates).as("%s: put the rule on the class, with fieldPath", crd).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("crds")
  void noSchemaDefaults(Path crd) throws IOException {
    // A default is written into stored objects, so Argo CD shows every object as out of sync.
    List<String> defaults = new ArrayList<>();
    eachNode(
        schema(crd),
        "",
        (path, node) -> {
          if (node.has("default")) {
            defaults.add(path);
          }
        });
    assertThat(defaults).as(crd.toString()).isEmpty();
  }

  @Test
  void flagsAnIteratedListWithoutMaxItems() throws IOException {
    JsonNode unbounded =
        YAML.readTree(
            """
            type: object
            properties:
              spec:
                type: object
                x-kubernetes-validations:
                - rule: "self.taints.exists(t, t.key == 'gpu')"
                properties:
                  taints:
                    type: array
                    items: {type: object, properties: {key: {type: string, maxLength: 63}}}
            """);
    assertThat(CelCostBounds.check(unbounded))
        .containsExactly(
            "spec: self.taints.exists(t, t.key == 'gpu'): iterates a list without maxItems");
    ((ObjectNode) unbounded.path("properties").path("spec").path("properties").path("taints"))
        .put("maxItems", 32);
    assertThat(CelCostBounds.check(unbounded)).isEmpty();
  }

  @Test
  void flagsAStringComparisonWithoutMaxLengthInALoop() throws IOException {
    // The ComputePool accelerator rule as first written: refused by the API server for cost.
    JsonNode unbounded =
        YAML.readTree(
            """
            type: object
            x-kubernetes-validations:
            - rule: "self.taints.exists(t, t.key == self.accelerator.type)"
            properties:
              taints:
                type: array
                maxItems: 32
                items: {type: object, properties: {key: {type: string}}}
              accelerator: {type: object, properties: {type: {type: string, maxLength: 317}}}
            """);
    assertThat(CelCostBounds.check(unbounded))
        .containsExactly(
            "<root>: self.taints.exists(t, t.key == self.accelerator.type): compares a string"
                + " without maxLength in a loop");
  }

  @Test
  void flagsARegexOnAStringWithoutMaxLength() throws IOException {
    JsonNode unbounded =
        YAML.readTree(
            """
            type: object
            properties:
              url:
                type: string
                x-kubernetes-validations:
                - rule: "!self.matches('password=')"
              jdbc:
                type: object
                x-kubernetes-validations:
                - rule: "!has(self.url) || !self.url.matches('password=')"
                properties:
                  url: {type: string}
            """);
    assertThat(CelCostBounds.check(unbounded))
        .containsExactlyInAnyOrder(
            "jdbc: !has(self.url) || !self.url.matches('password='): matches a regex on a string"
                + " without maxLength",
            "url: !self.matches('password='): matches a regex on a string without maxLength");
  }

  private static void eachNode(JsonNode node, String path, BiConsumer<String, JsonNode> visit) {
    visit.accept(path, node);
    node.path("properties")
        .fields()
        .forEachRemaining(
            f ->
                eachNode(
                    f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), visit));
    if (node.path("items").isObject()) {
      eachNode(node.get("items"), path + "[]", visit);
    }
    if (node.path("additionalProperties").isObject()) {
      eachNode(node.get("additionalProperties"), path + "{}", visit);
    }
  }
}

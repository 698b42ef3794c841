package io.tributary.operator.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kubectl explain} teaches: every property of every generated CRD, spec and status, at any
 * depth, has a description; descriptions say more than the field's name; an enum's description
 * names its values; and the fields people look up first are explained at length.
 */
class ExplainCoverageTest {
  private static final YAMLMapper YAML = new YAMLMapper();

  /** The fields a new user looks up first, per kind. */
  private static final Map<String, List<String>> KEY_FIELDS =
      Map.of(
          "DataPipeline",
          List.of(
              "spec",
              "status",
              "spec.source",
              "spec.transforms",
              "spec.sink",
              "spec.schedule",
              "spec.schedule.cron",
              "spec.dependsOn",
              "spec.residency",
              "spec.residency.region",
              "spec.compute.pool",
              "spec.deadLetter",
              "spec.suspend",
              "status.phase",
              "status.conditions",
              "status.conditions[].reason"),
          "StreamJob",
          List.of(
              "spec",
              "status",
              "spec.source",
              "spec.transforms",
              "spec.sink",
              "spec.guarantee",
              "spec.replicas",
              "spec.autoscaling",
              "spec.residency.region",
              "spec.compute.pool",
              "spec.compute.accelerator",
              "status.conditions[].reason"),
          "DataEndpoint",
          List.of("spec", "spec.region", "spec.hosts", "spec.egress", "spec.egress.to"),
          "ComputePool",
          List.of(
              "spec",
              "status",
              "spec.region",
              "spec.nodeSelector",
              "spec.taints",
              "spec.accelerator",
              "spec.scaleTargetRef",
              "status.conditions[].reason"),
          "TransformSet",
          List.of(
              "spec",
              "status",
              "spec.transforms",
              "status.revision",
              "status.usedBy",
              "status.conditions",
              "status.conditions[].reason"));

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

  private static String kind(Path crd) throws IOException {
    return YAML.readTree(crd.toFile()).path("spec").path("names").path("kind").asText();
  }

  /** Calls {@code visit(path, schema)} for every property, depth first. */
  private static void eachProperty(JsonNode node, String path, BiConsumer<String, JsonNode> visit) {
    node.path("properties")
        .fields()
        .forEachRemaining(
            p -> {
              String child = path.isEmpty() ? p.getKey() : path + "." + p.getKey();
              visit.accept(child, p.getValue());
              eachProperty(p.getValue(), child, visit);
            });
    if (node.path("items").isObject()) {
      eachProperty(node.get("items"), path + "[]", visit);
    }
    if (node.path("additionalProperties").isObject()) {
      eachProperty(node.get("additionalProperties"), path + "{}", visit);
    }
  }

  /**
   * The properties that must be described: all, except the status of a DataEndpoint, which has none
   * (the operator only reads the catalog) but which the generator declares as an empty object
   * anyway.
   */
  private static Map<String, JsonNode> describable(Path crd) throws IOException {
    Map<String, JsonNode> all = properties(crd);
    if (kind(crd).equals("DataEndpoint")) all.remove("status");
    return all;
  }

  private static Map<String, JsonNode> properties(Path crd) throws IOException {
    Map<String, JsonNode> all = new LinkedHashMap<>();
    eachProperty(schema(crd), "", all::put);
    return all;
  }

  @ParameterizedTest
  @MethodSource("crds")
  void everyPropertyHasADescription(Path crd) throws IOException {
    assertThat(properties(crd)).containsKeys("spec", "status");
    Map<String, JsonNode> properties = describable(crd);
    List<String> missing = new ArrayList<>();
    properties.forEach(
        (path, node) -> {
          if (node.path("description").asText("").isBlank()) {
            missing.add(path);
          }
        });
    assertThat(missing).as("properties without a description in %s", crd).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("crds")
  void descriptionsSayMoreThanTheName(Path crd) throws IOException {
    List<String> trivial = new ArrayList<>();
    describable(crd)
        .forEach(
            (path, node) -> {
              String name = path.substring(path.lastIndexOf('.') + 1).replace("[]", "");
              String words = node.path("description").asText().replaceAll("[^A-Za-z]", "");
              if (words.equalsIgnoreCase(name) || words.length() < 8) {
                trivial.add(path + ": " + node.path("description").asText());
              }
            });
    assertThat(trivial).as("descriptions that only restate the field in %s", crd).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("crds")
  void enumDescriptionsNameTheirValues(Path crd) throws IOException {
    List<String> silent = new ArrayList<>();
    properties(crd)
        .forEach(
            (path, node) ->
                node.path("enum")
                    .forEach(
                        value -> {
                          if (!node.path("description").asText().contains(value.asText())) {
                            silent.add(path + " does not mention " + value.asText());
                          }
                        }));
    assertThat(silent).as(crd.toString()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("crds")
  void keyFieldsAreExplainedAtLength(Path crd) throws IOException {
    Map<String, JsonNode> properties = properties(crd);
    List<String> keys = KEY_FIELDS.get(kind(crd));
    assertThat(keys).as("key fields listed for %s", kind(crd)).isNotNull();
    for (String key : keys) {
      assertThat(properties).as(crd.getFileName().toString()).containsKey(key);
      String description = properties.get(key).path("description").asText();
      assertThat(description.split("\\s+"))
          .as("%s %s: '%s' should explain in 8 words or more", kind(crd), key, description)
          .hasSizeGreaterThanOrEqualTo(8);
    }
  }
}

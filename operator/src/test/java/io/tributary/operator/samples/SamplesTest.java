package io.tributary.operator.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.ComputeSpec;
import io.tributary.operator.api.DataEndpoint;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.TransformSet;
import io.tributary.operator.api.TransformSetSpec;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.policy.EndpointCatalog;
import io.tributary.operator.policy.ResidencyPolicy;
import io.tributary.operator.render.PlanRenderer;
import io.tributary.operator.schema.CrdSchemaValidator;
import io.tributary.operator.schema.GeneratedCrds;
import io.tributary.operator.validate.SpecChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample in config/samples is something a user can apply as is: it reads into our CR classes
 * with unknown fields failing, the generated CRDs accept it, and the samples hang together
 * (namespaces and pools they use exist, residency holds, kustomize lists them all).
 */
class SamplesTest {
  static final Path SAMPLES = Path.of("../config/samples");
  private static final YAMLMapper YAML = new YAMLMapper();
  // The operator's own serialization, made strict: a misspelt field must fail, not vanish.
  private static final KubernetesSerialization STRICT =
      new KubernetesSerialization(
          new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES), false);
  private static final Map<String, Class<? extends HasMetadata>> CLASSES =
      Map.of(
          "DataPipeline", DataPipeline.class,
          "StreamJob", StreamJob.class,
          "ComputePool", ComputePool.class,
          "DataEndpoint", DataEndpoint.class,
          "TransformSet", TransformSet.class,
          "Namespace", Namespace.class);

  record Doc(Path file, int index, JsonNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
      return file.getFileName() + "#" + index + " " + kind() + "/" + name();
    }
  }

  static List<Path> sampleFiles() throws IOException {
    try (Stream<Path> files = Files.list(SAMPLES)) {
      return files
          .filter(p -> p.toString().endsWith(".yaml"))
          .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
          .sorted()
          .toList();
    }
  }

  static List<Doc> docs() throws IOException {
    List<Doc> docs = new ArrayList<>();
    for (Path file : sampleFiles()) {
      List<JsonNode> nodes =
          YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll();
      for (int i = 0; i < nodes.size(); i++) {
        if (!nodes.get(i).isMissingNode() && !nodes.get(i).isNull()) {
          docs.add(new Doc(file, i, nodes.get(i)));
        }
      }
    }
    return docs;
  }

  /** The TransformSets of the samples in {@code namespace}, by name, as the informer holds them. */
  static Map<String, TransformSetSpec> transformSets(String namespace) throws IOException {
    Map<String, TransformSetSpec> sets = new java.util.HashMap<>();
    for (TransformSet set : all(TransformSet.class)) {
      if (set.getMetadata().getNamespace().equals(namespace)) {
        sets.put(set.getMetadata().getName(), set.getSpec());
      }
    }
    return sets;
  }

  static <T> List<T> all(Class<T> type) throws IOException {
    List<T> out = new ArrayList<>();
    for (Doc doc : docs()) {
      if (CLASSES.get(doc.kind()) == type) {
        out.add(STRICT.unmarshal(doc.node().toString(), type));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("docs")
  void deserializesIntoOurClassesStrictly(Doc doc) {
    Class<? extends HasMetadata> type = CLASSES.get(doc.kind());
    assertThat(type).as("%s: a kind the samples may use", doc).isNotNull();
    HasMetadata object = STRICT.unmarshal(doc.node().toString(), type);
    assertThat(object.getMetadata().getName()).isEqualTo(doc.name());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("docs")
  void validatesCleanAgainstTheGeneratedCrd(Doc doc) {
    Optional<CrdSchemaValidator> crd = GeneratedCrds.forKind(doc.kind());
    if (crd.isPresent()) {
      assertThat(crd.get().validate(doc.node())).as(doc.toString()).isEmpty();
      if (crd.get().namespaced()) {
        assertThat(doc.node().path("metadata").path("namespace").asText())
            .as("%s: namespaced samples name their namespace", doc)
            .isNotEmpty();
      }
    } else {
      assertThat(doc.kind()).as(doc.toString()).isEqualTo("Namespace");
    }
  }

  @Test
  void theStrictReaderRejectsAMisspeltSpecField() {
    String typo =
        """
        {"apiVersion": "tributary.io/v1alpha1", "kind": "StreamJob",
         "metadata": {"name": "x", "namespace": "payments"},
         "spec": {"replicas": 1, "replcias": 2}}
        """;
    assertThatThrownBy(() -> STRICT.unmarshal(typo, StreamJob.class))
        .hasRootCauseInstanceOf(UnrecognizedPropertyException.class)
        .hasStackTraceContaining("replcias");
  }

  @Test
  void everyNamespaceUsedIsCreatedByTheSamples() throws IOException {
    List<String> created =
        all(Namespace.class).stream().map(n -> n.getMetadata().getName()).toList();
    for (Doc doc : docs()) {
      String ns = doc.node().path("metadata").path("namespace").asText();
      if (!ns.isEmpty()) {
        assertThat(created).as(doc.toString()).contains(ns);
      }
    }
    assertThat(
            all(Namespace.class).stream()
                .filter(n -> n.getMetadata().getName().equals("uae-banking"))
                .map(n -> n.getMetadata().getLabels().get("tributary.io/residency")))
        .containsExactly("me-central-1");
  }

  @Test
  void everyPoolUsedExistsAndHoldsResidencyAndAccelerators() throws IOException {
    Map<String, ComputePool> pools =
        all(ComputePool.class).stream()
            .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
    Map<String, String> residency =
        all(Namespace.class).stream()
            .filter(n -> n.getMetadata().getLabels() != null)
            .filter(n -> n.getMetadata().getLabels().containsKey("tributary.io/residency"))
            .collect(
                Collectors.toMap(
                    n -> n.getMetadata().getName(),
                    n -> n.getMetadata().getLabels().get("tributary.io/residency")));
    List<Placement> placements = new ArrayList<>();
    all(DataPipeline.class)
        .forEach(
            p -> placements.add(new Placement(p, p.getSpec().compute(), p.getSpec().residency())));
    all(StreamJob.class)
        .forEach(
            s -> placements.add(new Placement(s, s.getSpec().compute(), s.getSpec().residency())));
    assertThat(placements).isNotEmpty();
    for (Placement placement : placements) {
      if (placement.compute() == null || placement.compute().pool() == null) {
        continue;
      }
      String what = placement.object().getKind() + "/" + placement.object().getMetadata().getName();
      ComputePool pool = pools.get(placement.compute().pool());
      assertThat(pool).as("%s uses pool %s", what, placement.compute().pool()).isNotNull();
      String region =
          placement.residency() != null
              ? placement.residency().region()
              : residency.get(placement.object().getMetadata().getNamespace());
      if (region != null) {
        assertThat(pool.getSpec().region()).as("%s: pool region", what).isEqualTo(region);
      }
      ComputeSpec.Accelerator wants = placement.compute().accelerator();
      if (wants != null) {
        assertThat(pool.getSpec().accelerator()).as("%s: pool has accelerators", what).isNotNull();
        assertThat(pool.getSpec().accelerator().type()).isEqualTo(wants.type());
        assertThat(pool.getSpec().accelerator().product()).isEqualTo(wants.product());
      }
    }
  }

  /**
   * The sample catalog covers every address the sample pipelines name, in their regions: applied
   * together, nothing is refused for the catalog.
   */
  @Test
  void everySampleAddressIsInTheSampleCatalogAndItsRegion() throws IOException {
    EndpointCatalog catalog =
        EndpointCatalog.enforced(
            all(DataEndpoint.class).stream()
                .map(e -> new EndpointCatalog.Entry(e.getMetadata().getName(), e.getSpec()))
                .toList());
    assertThat(catalog.entries()).isNotEmpty();
    Map<String, String> residency =
        all(Namespace.class).stream()
            .filter(n -> n.getMetadata().getLabels() != null)
            .filter(n -> n.getMetadata().getLabels().containsKey("tributary.io/residency"))
            .collect(
                Collectors.toMap(
                    n -> n.getMetadata().getName(),
                    n -> n.getMetadata().getLabels().get("tributary.io/residency")));
    OperatorConfig config = OperatorConfig.defaults();
    int checked = 0;
    for (DataPipeline p : all(DataPipeline.class)) {
      var region =
          ResidencyPolicy.Residency.of(
              p.getSpec().residency(), residency.get(p.getMetadata().getNamespace()));
      var sets = transformSets(p.getMetadata().getNamespace());
      var plan = PlanRenderer.batch(p, sets, config, null);
      var endpoints = SpecChecks.endpoints(catalog, plan, region, p.getSpec(), sets);
      assertThat(endpoints.problem()).as(p.getMetadata().getName()).isEmpty();
      checked++;
    }
    for (StreamJob s : all(StreamJob.class)) {
      var region =
          ResidencyPolicy.Residency.of(
              s.getSpec().residency(), residency.get(s.getMetadata().getNamespace()));
      var sets = transformSets(s.getMetadata().getNamespace());
      var plan = PlanRenderer.stream(s, sets, config);
      var endpoints = SpecChecks.endpoints(catalog, plan, region, s.getSpec(), sets);
      assertThat(endpoints.problem()).as(s.getMetadata().getName()).isEmpty();
      assertThat(endpoints.workerEntries()).as(s.getMetadata().getName()).isNotEmpty();
      checked++;
    }
    assertThat(checked).isGreaterThan(3);
  }

  record Placement(
      HasMetadata object, ComputeSpec compute, io.tributary.operator.api.ResidencySpec residency) {}

  @Test
  void kustomizationListsEverySample() throws IOException {
    JsonNode kustomization = YAML.readTree(SAMPLES.resolve("kustomization.yaml").toFile());
    List<String> listed = new ArrayList<>();
    kustomization.path("resources").forEach(r -> listed.add(r.asText()));
    assertThat(listed)
        .containsExactlyInAnyOrderElementsOf(
            sampleFiles().stream().map(p -> p.getFileName().toString()).toList());
    assertThat(listed.get(0)).as("namespaces first").isEqualTo("namespaces.yaml");
  }

  @Test
  void samplesShowEveryKindAndTheUseCasesTheDocsPointTo() throws IOException {
    assertThat(docs().stream().map(Doc::kind).distinct())
        .contains(
            "DataPipeline",
            "StreamJob",
            "ComputePool",
            "DataEndpoint",
            "TransformSet",
            "Namespace");
    StreamJob fraud =
        all(StreamJob.class).stream()
            .filter(s -> s.getMetadata().getName().equals("fraud-detection"))
            .findFirst()
            .orElseThrow();
    assertThat(fraud.getSpec().source().kafka().topics()).containsExactly("payments.transactions");
    assertThat(fraud.getSpec().sink().kafka().topic()).isEqualTo("payments.transactions.scored");
    assertThat(fraud.getSpec().autoscaling()).isNotNull();
  }
}

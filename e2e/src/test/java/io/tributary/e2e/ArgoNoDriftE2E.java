package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Argo CD compares stays what was applied: samples from config/samples, applied with
 * server-side apply under Argo CD's own field manager (as its {@code ServerSideApply=true} sync
 * option does) and then reconciled by the operator, show no difference in {@code kubectl diff
 * --server-side}, and a server-side dry-run apply of the same files changes nothing. So an
 * Application of the samples stays Synced: nothing defaults fields into the objects and the
 * operator writes only status (docs/argocd.md). Argo CD also passes {@code --force-conflicts}; the
 * test does not, so a field someone else took over fails it instead of being taken back.
 *
 * <p>The samples are copied, not applied in place, so the test touches no other test's objects and
 * leaves nothing behind: into a fresh namespace, with their ComputePools renamed for this run,
 * Kafka pointing at the cluster's broker with this run's topics, and the Secrets they name created.
 * Pools with a scaleTargetRef are left out: a copy would resize the cluster's MachineDeployment.
 */
class ArgoNoDriftE2E {
  private static final String NS = "e2e-argo-" + Topics.RUN;

  /** The field manager Argo CD's server-side apply uses. */
  private static final String FIELD_MANAGER = "argocd-controller";

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The copies of the samples, as applied. */
  private static final List<ObjectNode> OBJECTS = new ArrayList<>();

  /** Sample pool name to this run's copy. */
  private static final Map<String, String> POOLS =
      Map.of(
          "cpu-standard", "cpu-standard-" + Topics.RUN,
          "cpu-eu", "cpu-eu-" + Topics.RUN,
          "gpu-a100", "gpu-a100-" + Topics.RUN);

  private static String manifests;

  @BeforeAll
  static void applySamplesAndWaitUntilReconciled() throws Exception {
    Cluster.requireCluster();
    for (JsonNode pool : sample("compute-pools.yaml")) {
      if (POOLS.containsKey(pool.path("metadata").path("name").asText())) OBJECTS.add(copy(pool));
    }
    // The fraud job runs the steps of the sample's TransformSet: the set comes along.
    OBJECTS.add(copy(named(sample("payments-fraud-detection.yaml"), "payment-hygiene")));
    OBJECTS.add(copy(named(sample("payments-fraud-detection.yaml"), "fraud-detection")));
    OBJECTS.add(copy(named(sample("analytics-customer-features.yaml"), "customer-features")));
    assertThat(OBJECTS)
        .extracting(o -> o.path("kind").asText())
        .containsExactlyInAnyOrder(
            "ComputePool",
            "ComputePool",
            "ComputePool",
            "TransformSet",
            "StreamJob",
            "DataPipeline");
    StringBuilder yaml = new StringBuilder();
    for (ObjectNode o : OBJECTS) yaml.append(YAML.writeValueAsString(o));
    manifests = yaml.toString();

    Kubectl.run("create", "namespace", NS).ok();
    Kubectl.apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: fraud-masking-key, namespace: %1$s, labels: {tributary.io/pipeline-secret: "true"}}
        stringData: {hmac-key: e2e-not-a-real-key}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: analytics-masking-key, namespace: %1$s, labels: {tributary.io/pipeline-secret: "true"}}
        stringData: {hmac-key: e2e-not-a-real-key}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: crm-db, namespace: %1$s, labels: {tributary.io/pipeline-secret: "true"}}
        stringData: {username: tributary_reader, password: e2e-not-a-real-password}
        """
            .formatted(NS));
    for (String topic : topics()) Topics.create(topic, 1);

    Kubectl.withInput(
            manifests, "apply", "--server-side", "--field-manager=" + FIELD_MANAGER, "-f", "-")
        .ok();
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              for (ObjectNode o : OBJECTS) {
                String generation = field(o, ".metadata.generation");
                assertThat(field(o, ".status.observedGeneration"))
                    .as("%s %s reconciled", o.path("kind").asText(), name(o))
                    .isNotEmpty()
                    .isEqualTo(generation);
              }
            });
  }

  @AfterAll
  static void tearDown() {
    Kubectl.run("delete", "namespace", NS, "--wait=false");
    List<String> args = new ArrayList<>(List.of("delete", "computepool", "--ignore-not-found"));
    args.addAll(POOLS.values());
    Kubectl.run(args.toArray(String[]::new));
  }

  @Test
  void kubectlDiffServerSideShowsNothing() {
    // A drift stays and fails every try. A status write that lands between kubectl's read and
    // its dry-run shows once as a status difference, hence the retries.
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              Kubectl.Result diff =
                  Kubectl.withInput(
                      manifests,
                      "diff",
                      "--server-side",
                      "--field-manager=" + FIELD_MANAGER,
                      "-f",
                      "-");
              assertThat(diff.exit())
                  .as(
                      "kubectl diff --server-side (0: no differences):\n%s%s",
                      diff.out(), diff.err())
                  .isZero();
              assertThat(diff.out()).isEmpty();
            });
  }

  @Test
  void aServerSideDryRunApplyChangesNothing() throws Exception {
    List<JsonNode> live =
        items(Kubectl.withInput(manifests, "get", "-f", "-", "-o", "json").ok().out());
    List<JsonNode> dryRun =
        items(
            Kubectl.withInput(
                    manifests,
                    "apply",
                    "--server-side",
                    "--field-manager=" + FIELD_MANAGER,
                    "--dry-run=server",
                    "-o",
                    "json",
                    "-f",
                    "-")
                .ok()
                .out());
    assertThat(dryRun).hasSameSizeAs(OBJECTS).hasSameSizeAs(live);
    for (int i = 0; i < live.size(); i++) {
      JsonNode wouldBe = comparable(dryRun.get(i));
      JsonNode is = comparable(live.get(i));
      assertThat(wouldBe)
          .as(
              "the dry-run apply of %s %s would change it:%n%s%nis now:%n%s",
              live.get(i).path("kind").asText(),
              name(live.get(i)),
              wouldBe.toPrettyString(),
              is.toPrettyString())
          .isEqualTo(is);
    }
  }

  /**
   * Stronger than the two checks above, which only see fields Argo CD's manager applies: nothing at
   * all was added to or changed in the spec (no schema defaults, no operator writes), so a
   * client-side-apply sync compares equal too.
   */
  @Test
  void theStoredSpecIsTheAppliedSpec() throws Exception {
    List<JsonNode> live =
        items(Kubectl.withInput(manifests, "get", "-f", "-", "-o", "json").ok().out());
    assertThat(live).hasSameSizeAs(OBJECTS);
    for (int i = 0; i < live.size(); i++) {
      JsonNode stored = live.get(i);
      assertThat(stored.get("spec"))
          .as(
              "the stored spec of %s %s:%n%s%napplied:%n%s",
              stored.path("kind").asText(),
              name(stored),
              stored.get("spec").toPrettyString(),
              OBJECTS.get(i).get("spec").toPrettyString())
          .isEqualTo(OBJECTS.get(i).get("spec"));
      assertThat(stored.path("metadata").path("labels"))
          .isEqualTo(OBJECTS.get(i).path("metadata").path("labels"));
    }
  }

  /** The documents of a file in config/samples. */
  private static List<JsonNode> sample(String file) throws Exception {
    Path path = Kubectl.repo().resolve("config/samples").resolve(file);
    try (var parser = YAML.createParser(path.toFile())) {
      return YAML.readValues(parser, JsonNode.class).readAll();
    }
  }

  private static JsonNode named(List<JsonNode> docs, String name) {
    return docs.stream()
        .filter(d -> name.equals(name(d)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample named " + name));
  }

  /** A sample, moved to this run's namespace, pools, topics and Kafka broker. */
  private static ObjectNode copy(JsonNode sample) {
    ObjectNode o = sample.deepCopy();
    ObjectNode metadata = (ObjectNode) o.get("metadata");
    if (o.path("kind").asText().equals("ComputePool")) {
      metadata.put("name", POOLS.get(name(o)));
    } else {
      metadata.put("namespace", NS);
    }
    rewrite(o.get("spec"));
    return o;
  }

  /** Points pools, topics, consumer groups and brokers at this run's copies. */
  private static void rewrite(JsonNode node) {
    if (node instanceof ArrayNode array) {
      array.forEach(ArgoNoDriftE2E::rewrite);
      return;
    }
    if (!(node instanceof ObjectNode object)) return;
    for (String key : object.properties().stream().map(Map.Entry::getKey).toList()) {
      JsonNode value = object.get(key);
      switch (key) {
        case "pool" -> object.put(key, POOLS.getOrDefault(value.asText(), value.asText()));
        case "bootstrapServers" -> object.put(key, Cluster.kafkaBootstrap());
        case "topic" -> object.put(key, Topics.name(value.asText()));
        // A group must start with tributary-<namespace>- of the namespace the copy lives in.
        case "consumerGroup" -> object.put(key, "tributary-" + NS + "-" + value.asText());
        case "topics" -> {
          ArrayNode renamed = object.putArray(key);
          value.forEach(t -> renamed.add(Topics.name(t.asText())));
        }
        default -> rewrite(value);
      }
    }
  }

  /** Every topic the copies read or write. */
  private static Set<String> topics() {
    Set<String> out = new LinkedHashSet<>();
    for (ObjectNode o : OBJECTS) {
      o.findValues("topic").forEach(t -> out.add(t.asText()));
      o.findValues("topics").forEach(ts -> ts.forEach(t -> out.add(t.asText())));
    }
    return out;
  }

  private static String name(JsonNode o) {
    return o.path("metadata").path("name").asText();
  }

  private static String field(ObjectNode o, String path) {
    String ns = o.path("metadata").path("namespace").asText(null);
    return Kubectl.jsonpath(o.path("kind").asText().toLowerCase(), ns, name(o), path);
  }

  /** The objects of kubectl's JSON output: a List's items, or the one object. */
  private static List<JsonNode> items(String json) throws Exception {
    JsonNode node = JSON.readTree(json);
    List<JsonNode> out = new ArrayList<>();
    if (node.has("items")) node.get("items").forEach(out::add);
    else out.add(node);
    return out;
  }

  /**
   * An object without what the operator and the API server move on their own: status, the
   * resourceVersion, and the managed fields of other managers than Argo CD's (their timestamps).
   */
  private static JsonNode comparable(JsonNode object) {
    ObjectNode o = object.deepCopy();
    o.remove("status");
    ObjectNode metadata = (ObjectNode) o.get("metadata");
    metadata.remove("resourceVersion");
    ArrayNode ours = JSON.createArrayNode();
    for (JsonNode entry : metadata.path("managedFields")) {
      if (FIELD_MANAGER.equals(entry.path("manager").asText())) {
        ObjectNode e = entry.deepCopy();
        e.remove("time");
        ours.add(e);
      }
    }
    metadata.set("managedFields", ours);
    return o;
  }
}

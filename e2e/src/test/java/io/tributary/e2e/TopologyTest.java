package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.tributary.e2e.Topology.Group;
import io.tributary.e2e.Topology.Taint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The samples' ComputePools describe the local cluster's node groups as e2e/topology.conf declares
 * them, so what `kubectl get cpool` shows in the quickstart is what the nodes are. Needs no
 * cluster.
 */
class TopologyTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void everySamplePoolMatchesItsNodeGroupAndEveryGroupHasOne() throws IOException {
    Topology topology = Topology.load();
    List<JsonNode> pools = samplePools();
    Set<String> covered = new HashSet<>();
    for (JsonNode pool : pools) {
      String name = pool.at("/metadata/name").asText();
      JsonNode spec = pool.get("spec");
      Group group = topology.group(spec.at("/nodeSelector/tributary.io~1pool").asText());
      covered.add(group.name());
      assertThat(spec.get("region").asText()).as("%s region", name).isEqualTo(group.region());
      assertThat(spec.at("/nodeTemplate/cpu").asText()).as("%s cpu", name).isEqualTo(group.cpu());
      assertThat(spec.at("/nodeTemplate/memory").asText())
          .as("%s memory", name)
          .isEqualTo(group.memory());
      assertThat(spec.at("/nodeTemplate/instanceType").asText())
          .as("%s instance type", name)
          .isEqualTo(group.instanceType());
      if (group.gpus() > 0) {
        assertThat(spec.at("/accelerator/perNode").asInt())
            .as("%s GPUs", name)
            .isEqualTo(group.gpus());
        assertThat(spec.at("/accelerator/product").asText())
            .as("%s GPU product", name)
            .isEqualTo(group.gpuProduct().orElseThrow());
      } else {
        assertThat(spec.has("accelerator")).as("%s has no accelerator", name).isFalse();
      }
      List<Taint> taints = new ArrayList<>();
      spec.path("taints")
          .forEach(
              t ->
                  taints.add(
                      new Taint(
                          t.get("key").asText(),
                          t.path("value").asText(),
                          t.get("effect").asText())));
      assertThat(taints)
          .as("%s taints", name)
          .containsExactlyInAnyOrderElementsOf(
              group.taints().stream().filter(t -> !t.simulation()).toList());
      if (group.autoscaled()) {
        assertThat(spec.at("/scaleTargetRef/kind").asText()).isEqualTo("MachineDeployment");
        assertThat(spec.at("/scaleTargetRef/apiVersion").asText())
            .isEqualTo("cluster.x-k8s.io/v1beta2");
        assertThat(
                spec.at("/scaleTargetRef/namespace").asText()
                    + "/"
                    + spec.at("/scaleTargetRef/name").asText())
            .as("%s scale target", name)
            .isEqualTo(group.scaleTarget().orElseThrow());
      } else {
        assertThat(spec.has("scaleTargetRef"))
            .as("%s: its nodes are static in the local cluster", name)
            .isFalse();
      }
    }
    assertThat(covered)
        .as("node groups with a sample pool")
        .containsExactlyInAnyOrderElementsOf(topology.groups().stream().map(Group::name).toList());
  }

  @Test
  void parsesEveryColumn() {
    Group burst =
        Topology.load().first(Group::autoscaled, "autoscaled group (with a MachineDeployment)");
    assertThat(burst.prefix()).isEmpty();
    assertThat(burst.scaleTargetNamespace()).isNotBlank();
    assertThat(burst.scaleTargetName()).isNotBlank();
    Group gpu = Topology.load().first(g -> g.gpus() > 0 && !g.autoscaled(), "static GPU group");
    assertThat(gpu.gpuProduct()).isPresent();
    assertThat(gpu.taints()).extracting(Taint::key).contains("nvidia.com/gpu");
    assertThat(gpu.prefix()).isPresent();
  }

  private static List<JsonNode> samplePools() throws IOException {
    List<JsonNode> pools = new ArrayList<>();
    Path file = Kubectl.repo().resolve("config/samples/compute-pools.yaml");
    try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        JsonNode doc = it.next();
        if (doc != null && "ComputePool".equals(doc.path("kind").asText())) pools.add(doc);
      }
    }
    assertThat(pools).isNotEmpty();
    return pools;
  }
}

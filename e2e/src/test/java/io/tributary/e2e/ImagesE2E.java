package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The images `e2e/cluster.sh images` built (the ones the cluster runs) carry OCI labels and, at the
 * path their label names, an SBOM that lists exactly the jars in the image (docs/security.md). Read
 * through the Docker daemon that built them.
 */
class ImagesE2E {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CLASSIFIER = Pattern.compile("[?&]classifier=([^&]+)");

  @ParameterizedTest
  @CsvSource({
    "tributary/operator:dev, Tributary operator",
    "tributary/runtime:dev, Tributary worker runtime"
  })
  void sbomAtTheLabelledPathListsTheJarsInTheImage(String image, String title) throws IOException {
    Map<String, String> labels = labels(image);
    assertThat(labels)
        .as("labels of %s (built by this tree's e2e/cluster.sh images?)", image)
        .isNotNull()
        .containsEntry("org.opencontainers.image.title", title)
        .containsEntry("org.opencontainers.image.licenses", "NOASSERTION")
        .containsEntry("io.tributary.image.sbom", "/usr/share/doc/tributary/sbom.cdx.json")
        .containsEntry("org.opencontainers.image.base.name", "tributary/jre-base:17");
    assertThat(labels.get("org.opencontainers.image.revision")).matches("[0-9a-f]{40}(-dirty)?");

    JsonNode sbom = JSON.readTree(inImage(image, "cat", labels.get("io.tributary.image.sbom")));
    assertThat(sbom.path("specVersion").asText()).isEqualTo("1.6");
    assertThat(labels.get("org.opencontainers.image.version"))
        .isNotEmpty()
        .isEqualTo(sbom.path("metadata").path("component").path("version").asText());

    List<String> listed =
        StreamSupport.stream(sbom.path("components").spliterator(), false)
            .map(ImagesE2E::jarName)
            .toList();
    List<String> shipped =
        Arrays.asList(inImage(image, "ls", "/opt/tributary/lib").strip().split("\n"));
    assertThat(shipped).hasSizeGreaterThan(10);
    assertThat(listed).containsExactlyInAnyOrderElementsOf(shipped);
  }

  private static Map<String, String> labels(String image) throws IOException {
    String json = docker("image", "inspect", "--format", "{{json .Config.Labels}}", image);
    return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
  }

  /** {@code cmd args} run in a throwaway container of {@code image}; its standard output. */
  private static String inImage(String image, String cmd, String... args) {
    String[] all = new String[] {"run", "--rm", "--network", "none", "--entrypoint", cmd, image};
    String[] full = Arrays.copyOf(all, all.length + args.length);
    System.arraycopy(args, 0, full, all.length, args.length);
    return docker(full);
  }

  private static String docker(String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    Kubectl.Result r = Kubectl.exec(cmd, null, Kubectl.TIMEOUT);
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.err());
    }
    return r.out();
  }

  /** The file name copy-dependencies gives a component's jar in lib/. */
  private static String jarName(JsonNode component) {
    Matcher classifier = CLASSIFIER.matcher(component.path("purl").asText());
    return component.path("name").asText()
        + "-"
        + component.path("version").asText()
        + (classifier.find() ? "-" + classifier.group(1) : "")
        + ".jar";
  }
}

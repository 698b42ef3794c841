package io.tributary.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;

/**
 * The SBOM a module's image carries, as the build wrote it before the module's tests: {@code
 * target/sbom.cdx.json} from cyclonedx-maven-plugin, and beside it {@code
 * target/runtime-dependencies.txt}, Maven's own list of the jars copy-runtime-deps puts in the
 * image's {@code lib/}. The operator's and the worker's SbomTest both read them through this class
 * (docs/security.md).
 */
public record ImageSbom(JsonNode bom) {
  private static final Path BOM = Path.of("target", "sbom.cdx.json");
  private static final Path RUNTIME_DEPENDENCIES = Path.of("target", "runtime-dependencies.txt");
  private static final String PURL_PREFIX = "pkg:maven/";

  /**
   * Every goal of cyclonedx-maven-plugin declares that it needs Maven online, so {@code mvn -o}
   * skips it with a warning and there is no SBOM to test. The surefire configuration passes Maven's
   * offline flag; the test command (test.sh, CI) runs online, where nothing is skipped.
   */
  public static void assumeMavenRanOnline() {
    Assumptions.assumeFalse(
        Boolean.getBoolean("tributary.maven.offline"),
        "cyclonedx-maven-plugin does not run in offline mode (-o): no SBOM was written");
  }

  public static ImageSbom read() {
    try {
      return new ImageSbom(new ObjectMapper().readTree(BOM.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          BOM + " (cyclonedx-maven-plugin writes it in generate-resources)", e);
    }
  }

  /**
   * {@code group:artifact:type[:classifier]:version} of every compile and runtime dependency, as
   * {@code dependency:list} resolved them: exactly the jars the image's {@code lib/} holds.
   */
  public static Set<String> runtimeDependencies() {
    List<String> lines;
    try {
      lines = Files.readAllLines(RUNTIME_DEPENDENCIES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // "   group:artifact:type[:classifier]:version:scope -- module name [auto]", under a heading
    return lines.stream()
        .map(l -> l.strip().split("\\s+")[0])
        .filter(coordinates -> coordinates.split(":").length >= 5)
        .map(coordinates -> coordinates.substring(0, coordinates.lastIndexOf(':')))
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  public String specVersion() {
    return bom.path("specVersion").asText();
  }

  public JsonNode mainComponent() {
    return bom.path("metadata").path("component");
  }

  /** The same coordinates as {@link #runtimeDependencies()}, taken from each component's purl. */
  public Set<String> components() {
    return componentNodes().stream()
        .map(c -> coordinates(c.path("purl").asText()))
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** {@code group:artifact} of every component, for naming the ones that must be there. */
  public Set<String> artifacts() {
    return componentNodes().stream()
        .map(c -> c.path("group").asText() + ":" + c.path("name").asText())
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  public List<JsonNode> componentNodes() {
    return StreamSupport.stream(bom.path("components").spliterator(), false).toList();
  }

  /** The algorithms of a component's hashes, e.g. {@code SHA-256}. */
  public static Set<String> hashAlgorithms(JsonNode component) {
    return StreamSupport.stream(component.path("hashes").spliterator(), false)
        .map(h -> h.path("alg").asText())
        .collect(Collectors.toSet());
  }

  /** {@code pkg:maven/group/artifact@version?classifier=c&type=t} to Maven's coordinates. */
  static String coordinates(String purl) {
    if (!purl.startsWith(PURL_PREFIX)) throw new IllegalArgumentException("not Maven: " + purl);
    String rest = purl.substring(PURL_PREFIX.length());
    Map<String, String> qualifiers = new HashMap<>();
    int q = rest.indexOf('?');
    if (q >= 0) {
      for (String kv : rest.substring(q + 1).split("&")) {
        String[] p = kv.split("=", 2);
        qualifiers.put(p[0], decode(p[1]));
      }
      rest = rest.substring(0, q);
    }
    int at = rest.lastIndexOf('@');
    String[] groupArtifact = rest.substring(0, at).split("/");
    String classifier = qualifiers.get("classifier");
    return decode(groupArtifact[0])
        + ":"
        + decode(groupArtifact[1])
        + ":"
        + qualifiers.getOrDefault("type", "jar")
        + (classifier == null ? "" : ":" + classifier)
        + ":"
        + decode(rest.substring(at + 1));
  }

  // purl percent-encodes; a '+' is a literal plus, not a space as in form encoding.
  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}

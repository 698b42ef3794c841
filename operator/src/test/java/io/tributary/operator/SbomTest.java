package io.tributary.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.runtime.testing.ImageSbom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator image's SBOM (target/sbom.cdx.json, copied to
 * /usr/share/doc/tributary/sbom.cdx.json) lists exactly the jars the image runs, so a scanner that
 * reads it sees every library the operator loads and none of its test libraries (docs/security.md).
 */
class SbomTest {
  @BeforeEach
  void sbomWasWritten() {
    ImageSbom.assumeMavenRanOnline();
  }

  @Test
  void listsExactlyTheJarsTheImageShipsInLib() {
    var shipped = ImageSbom.runtimeDependencies();
    assertThat(shipped)
        .as("target/runtime-dependencies.txt")
        .anyMatch(d -> d.startsWith("io.javaoperatorsdk:operator-framework:jar:"))
        .anyMatch(d -> d.startsWith("io.fabric8:kubernetes-client:jar:"));
    assertThat(ImageSbom.read().components()).containsExactlyInAnyOrderElementsOf(shipped);
  }

  @Test
  void namesTheLibrariesTheOperatorRunsOnAndNoTestLibrary() {
    assertThat(ImageSbom.read().artifacts())
        .contains(
            "io.tributary:tributary-pipeline-model",
            "io.tributary:tributary-plan-compiler",
            "io.javaoperatorsdk:operator-framework",
            "io.fabric8:kubernetes-client",
            "io.fabric8:kubernetes-httpclient-jdk",
            "org.apache.kafka:kafka-clients",
            "dev.cel:cel",
            "ch.qos.logback:logback-classic")
        .noneMatch(a -> a.startsWith("org.junit.") || a.startsWith("org.assertj:"))
        .doesNotContain(
            "io.tributary:tributary-worker",
            "io.fabric8:kubernetes-server-mock",
            "io.fabric8:kubernetes-httpclient-vertx",
            "com.marcnuri.helm-java:helm-java",
            "org.apache.kafka:kafka-server");
  }

  @Test
  void describesTheOperatorInCycloneDx16() {
    var sbom = ImageSbom.read();
    assertThat(sbom.bom().path("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(sbom.specVersion()).isEqualTo("1.6");
    assertThat(sbom.mainComponent().path("type").asText()).isEqualTo("application");
    assertThat(sbom.mainComponent().path("purl").asText())
        .startsWith("pkg:maven/io.tributary/tributary-operator@");
  }

  @Test
  void everyThirdPartyJarCarriesItsSha256() {
    // Our own modules are class directories, not jars, until `package`: they have no hash here.
    assertThat(ImageSbom.read().componentNodes())
        .filteredOn(c -> !c.path("group").asText().equals("io.tributary"))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(ImageSbom.hashAlgorithms(c)).contains("SHA-256"));
  }
}

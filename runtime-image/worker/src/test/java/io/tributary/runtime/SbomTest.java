package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.runtime.testing.ImageSbom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker image's SBOM (target/sbom.cdx.json, copied to /usr/share/doc/tributary/sbom.cdx.json)
 * lists exactly the jars the image runs, so a scanner that reads it sees every library a pipeline
 * loads and none that it does not (docs/security.md).
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
        .anyMatch(d -> d.startsWith("org.apache.kafka:kafka-clients:jar:"))
        .anyMatch(d -> d.startsWith("org.apache.parquet:parquet-hadoop:jar:"));
    assertThat(ImageSbom.read().components()).containsExactlyInAnyOrderElementsOf(shipped);
  }

  @Test
  void namesTheLibrariesAPipelineRunsOnAndNoTestLibrary() {
    assertThat(ImageSbom.read().artifacts())
        .contains(
            "io.tributary:tributary-pipeline-model",
            "io.tributary:tributary-plan-compiler",
            "org.apache.kafka:kafka-clients",
            "org.apache.parquet:parquet-hadoop",
            "org.apache.hadoop:hadoop-common",
            "redis.clients:jedis",
            "org.postgresql:postgresql",
            "dev.cel:cel",
            "com.fasterxml.jackson.core:jackson-databind")
        .noneMatch(a -> a.startsWith("org.junit.") || a.startsWith("org.assertj:"))
        .doesNotContain("org.apache.kafka:kafka-server", "org.apache.kafka:kafka_2.13");
  }

  @Test
  void describesTheWorkerInCycloneDx16() {
    var sbom = ImageSbom.read();
    assertThat(sbom.bom().path("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(sbom.specVersion()).isEqualTo("1.6");
    assertThat(sbom.mainComponent().path("type").asText()).isEqualTo("application");
    assertThat(sbom.mainComponent().path("purl").asText())
        .startsWith("pkg:maven/io.tributary/tributary-worker@");
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

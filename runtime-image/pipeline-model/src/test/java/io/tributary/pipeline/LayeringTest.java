package io.tributary.pipeline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The pipeline model is the vocabulary both the operator and the worker share: records and Jackson
 * annotations (plus Fabric8's annotation-only CRD generator annotations), never a client. The rule
 * fails when it checks no class (a package-info does not count), so it cannot pass on an empty or
 * renamed package.
 */
@AnalyzeClasses(
    packages = "io.tributary.pipeline",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  @ArchTest
  static final ArchRule modelIsFreeOfClients =
      noClasses()
          .that()
          .resideInAPackage("io.tributary.pipeline..")
          .and()
          .doNotHaveSimpleName("package-info")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.fabric8.kubernetes.client..", "io.javaoperatorsdk..", "org.apache.kafka..")
          .because(
              "the operator and the worker share this model; neither side's I/O belongs in it");
}

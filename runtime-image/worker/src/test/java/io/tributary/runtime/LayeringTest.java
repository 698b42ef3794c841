package io.tributary.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The worker only reads its plan file: it never talks to the Kubernetes API, so it uses neither
 * JOSDK nor Fabric8's Kubernetes client or model. The rule fails when it checks no class (a
 * package-info does not count), so it cannot pass on an empty or renamed package.
 */
@AnalyzeClasses(
    packages = "io.tributary.runtime",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  @ArchTest
  static final ArchRule workerIsNoKubernetesClient =
      noClasses()
          .that()
          .resideInAPackage("io.tributary.runtime..")
          .and()
          .doNotHaveSimpleName("package-info")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.javaoperatorsdk..", "io.fabric8.kubernetes..")
          .because("a worker pod runs without a service account token and reads only its plan");
}

package io.tributary.plan;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The plan compiler runs inside the operator and inside the worker, so it must be pure: no
 * Kubernetes client, no JOSDK, no Kafka client (Kafka settings are plain property names). The rule
 * fails when it checks no class (a package-info does not count), so it cannot pass on an empty or
 * renamed package.
 */
@AnalyzeClasses(
    packages = "io.tributary.plan",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  @ArchTest
  static final ArchRule compilerIsFreeOfClients =
      noClasses()
          .that()
          .resideInAPackage("io.tributary.plan..")
          .and()
          .doNotHaveSimpleName("package-info")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.fabric8.kubernetes..", "io.javaoperatorsdk..", "org.apache.kafka..")
          .because("both the operator and the worker call it; each brings its own I/O");
}

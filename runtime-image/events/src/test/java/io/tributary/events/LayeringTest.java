package io.tributary.events;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The event builder is pure (its golden JSON tests need no receiver); only {@code delivery} talks
 * to the outside world. The rule fails when it checks no class, so it cannot pass vacuously.
 */
@AnalyzeClasses(
    packages = "io.tributary.events",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  @ArchTest
  static final ArchRule builderIsFreeOfClients =
      noClasses()
          .that()
          .resideInAPackage("io.tributary.events")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.tributary.events.delivery..",
              "org.apache.kafka..",
              "io.cloudevents.kafka..",
              "io.cloudevents.http..",
              "java.net.http..")
          .because("events are built as plain values and sent by io.tributary.events.delivery");
}

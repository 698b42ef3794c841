package io.tributary.operator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Layering the build enforces on the operator's compiled classes: rendering, policy, status,
 * scheduling and autoscaling code is pure — it may use the Kubernetes model classes but never the
 * Kubernetes client, JOSDK, a Kafka client or a CloudEvents sender (building a CloudEvent is pure,
 * sending one is not) — so it stays testable without I/O. One rule per package: a rule that matches
 * no class fails (ArchUnit's default; a package-info does not count), so a renamed or emptied
 * package cannot make its rule pass vacuously.
 */
@AnalyzeClasses(
    packages = "io.tributary.operator",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  private static final String[] CLIENT_CODE = {
    "io.fabric8.kubernetes.client..",
    "io.javaoperatorsdk..",
    "org.apache.kafka..",
    "io.tributary.events.delivery..",
    "io.cloudevents.kafka..",
    "io.cloudevents.http..",
    "java.net.http.."
  };

  @ArchTest static final ArchRule render = pure("render");
  @ArchTest static final ArchRule policy = pure("policy");
  @ArchTest static final ArchRule status = pure("status");
  @ArchTest static final ArchRule schedule = pure("schedule");
  @ArchTest static final ArchRule autoscale = pure("autoscale");

  /** Decisions (what to run, where, how many) are computed from plain values, not pods. */
  @ArchTest
  static final ArchRule decisions =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.tributary.operator.policy..",
              "io.tributary.operator.schedule..",
              "io.tributary.operator.autoscale..")
          .and()
          .doNotHaveSimpleName("package-info")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.fabric8.kubernetes..")
          .because("decisions are tested with tables of plain values, without a cluster's objects");

  private static ArchRule pure(String layer) {
    return noClasses()
        .that()
        .resideInAPackage("io.tributary.operator." + layer + "..")
        .and()
        .doNotHaveSimpleName("package-info")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(CLIENT_CODE)
        .because(
            layer
                + " is a pure function of its inputs: the reconcilers do the I/O (Kubernetes"
                + " client, JOSDK, Kafka) and hand it plain values");
  }
}

package io.tributary.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Desired ⊆ actual: what the API server adds is no drift, what a person changes is. */
class DesiredMatchTest {
  private static Deployment desired() {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("w")
        .withNamespace("ns")
        .withLabels(Map.of("tributary.io/kind", "streamjob"))
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .withNewStrategy()
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(0))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName("worker")
        .withImage("tributary/runtime:dev")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("1000m"), "memory", new Quantity("1Gi")))
        .endResources()
        .addNewVolumeMount()
        .withName("plan")
        .withMountPath("/etc/tributary")
        .withReadOnly(false)
        .endVolumeMount()
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .endSecurityContext()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** A copy of the desired Deployment as the API server would return it, then edited. */
  private static Deployment actual(Consumer<Deployment> edit) {
    Deployment d = Serialization.clone(desired());
    d.getMetadata().setResourceVersion("42");
    d.getMetadata().setUid("u-1");
    d.getMetadata().setAnnotations(Map.of("deployment.kubernetes.io/revision", "3"));
    d.getSpec().setRevisionHistoryLimit(10);
    d.getSpec().setProgressDeadlineSeconds(600);
    var c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    c.setTerminationMessagePath("/dev/termination-log");
    c.setImagePullPolicy("IfNotPresent");
    c.getResources().setRequests(Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi")));
    c.getVolumeMounts().get(0).setReadOnly(null); // omitempty drops false
    d.getSpec().getTemplate().getSpec().setDnsPolicy("ClusterFirst");
    edit.accept(d);
    return d;
  }

  @Test
  void serverDefaultsAndCanonicalQuantitiesAreNoDifference() {
    assertThat(DesiredMatch.difference(desired(), actual(d -> {}))).isEmpty();
  }

  @Test
  void eachHandEditIsADifferenceNamingItsPath() {
    Object[][] cases = {
      {(Consumer<Deployment>) d -> d.getSpec().setReplicas(1), "spec.replicas is 1, want 2"},
      {
        (Consumer<Deployment>)
            d ->
                d.getSpec().getTemplate().getSpec().getContainers().get(0).setSecurityContext(null),
        "spec.template.spec.containers[0].securityContext is missing"
      },
      {
        (Consumer<Deployment>)
            d ->
                d.getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getResources()
                    .setRequests(Map.of("cpu", new Quantity("2"), "memory", new Quantity("1Gi"))),
        "spec.template.spec.containers[0].resources.requests.cpu"
      },
      {(Consumer<Deployment>) d -> d.getMetadata().setLabels(Map.of()), "metadata.labels"},
      {
        (Consumer<Deployment>)
            d ->
                d.getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .add(d.getSpec().getTemplate().getSpec().getContainers().get(0)),
        "spec.template.spec.containers has 2 items, want 1"
      },
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      Deployment edited = actual((Consumer<Deployment>) c[0]);
      assertThat(DesiredMatch.difference(desired(), edited))
          .as((String) c[1])
          .hasValueSatisfying(diff -> assertThat(diff).startsWith((String) c[1]));
    }
  }

  @Test
  void anOwnerWeNameMustBeThere() {
    HasMetadata want =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("p")
            .addNewOwnerReference()
            .withApiVersion("rbac.authorization.k8s.io/v1")
            .withKind("Role")
            .withName("r")
            .withUid("u-1")
            .endOwnerReference()
            .endMetadata()
            .build();
    HasMetadata ownerless =
        new ConfigMapBuilder().withNewMetadata().withName("p").endMetadata().build();
    assertThat(DesiredMatch.difference(want, ownerless))
        .contains("metadata.ownerReferences is missing");
    assertThat(DesiredMatch.difference(want, Serialization.clone(want))).isEmpty();
  }

  @Test
  void configMapDataMustMatchExactly() {
    HasMetadata want =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("p")
            .endMetadata()
            .withData(Map.of("plan.json", "{\"a\":1}"))
            .build();
    HasMetadata same = Serialization.clone(want);
    HasMetadata changed =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("p")
            .endMetadata()
            .withData(Map.of("plan.json", "{\"a\":2}"))
            .build();
    assertThat(DesiredMatch.holds(want, same)).isTrue();
    assertThat(DesiredMatch.holds(want, changed)).isFalse();
    assertThat(DesiredMatch.holds(want, null)).isFalse();
  }
}

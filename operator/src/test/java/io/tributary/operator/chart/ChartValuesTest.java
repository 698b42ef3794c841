package io.tributary.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.tributary.operator.testing.Golden;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart over value combinations: each rendering is a golden file named after its test (the
 * defaults' is config/manager/operator.yaml, see ChartTest), plus what a platform team relies on.
 * Wrong values fail at `helm template` / `helm install`, with a message naming the fix.
 */
class ChartValuesTest {
  /** What the operator writes in the namespaces it watches: Roles there in namespace scope. */
  private static final String[][] NAMESPACED_NEEDS = {
    {"apps", "deployments", "create"},
    {"batch", "jobs", "delete"},
    {"", "configmaps", "patch"},
    {"policy", "poddisruptionbudgets", "create"},
    {"networking.k8s.io", "networkpolicies", "create"},
    {"tributary.io", "streamjobs", "watch"},
    {"tributary.io", "datapipelines/status", "patch"},
    {"", "events", "create"},
    {"", "pods", "watch"},
    {"", "secrets", "get"}
  };

  /** What is cluster-wide whatever the scope. */
  private static final String[][] CLUSTER_NEEDS = {
    {"tributary.io", "computepools", "watch"},
    {"tributary.io", "computepools/status", "patch"},
    {"tributary.io", "dataendpoints", "watch"},
    {"", "nodes", "watch"},
    {"", "nodes", "patch"},
    {"", "namespaces", "watch"},
    {"cluster.x-k8s.io", "machinedeployments/scale", "get"},
    {"cluster.x-k8s.io", "machinedeployments/scale", "update"},
    {"cluster.x-k8s.io", "machines", "patch"}
  };

  private static Map<String, Object> values(Object... keysAndValues) {
    Map<String, Object> sets = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      sets.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return sets;
  }

  private static List<HasMetadata> render(String golden, Map<String, Object> sets) {
    String rendered = Chart.template(sets);
    Golden.assertText("ChartValuesTest." + golden, rendered);
    return Chart.objects(rendered);
  }

  @Test
  void defaultsRunTwoReplicasWithLeaderElectionProbesPdbAndPriority() {
    List<HasMetadata> objects = Chart.objects(Chart.template(Map.of()));
    Deployment d = Chart.one(objects, Deployment.class);
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    Container c = container(d);
    assertThat(env(c, "TRIBUTARY_LEADER_ELECTION")).isEqualTo("true");
    assertThat(env(c, "TRIBUTARY_NAMESPACES")).isEmpty();
    assertThat(path(c.getReadinessProbe())).isEqualTo("/readyz");
    assertThat(path(c.getStartupProbe())).isEqualTo("/readyz");
    assertThat(path(c.getLivenessProbe())).isEqualTo("/healthz");
    for (Probe p : List.of(c.getReadinessProbe(), c.getStartupProbe(), c.getLivenessProbe())) {
      assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
    }
    assertThat(c.getPorts()).anyMatch(p -> p.getContainerPort() == 8080);
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKey("memory");
    assertThat(restrictedViolations(d.getSpec().getTemplate().getSpec())).isEmpty();

    PodDisruptionBudget pdb = Chart.one(objects, PodDisruptionBudget.class);
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(d.getSpec().getSelector().getMatchLabels());

    PriorityClass priority = Chart.one(objects, PriorityClass.class);
    assertThat(d.getSpec().getTemplate().getSpec().getPriorityClassName())
        .isEqualTo(priority.getMetadata().getName())
        .isEqualTo("tributary-operator");
    // Workers name no PriorityClass (priority 0): the operator's is above them.
    assertThat(priority.getValue()).isPositive().isLessThan(1_000_000_001);
    assertThat(priority.getGlobalDefault()).isFalse();

    Service metrics = Chart.one(objects, Service.class);
    assertThat(metrics.getSpec().getSelector())
        .isEqualTo(d.getSpec().getSelector().getMatchLabels());
    assertThat(metrics.getSpec().getPorts()).anyMatch(p -> "metrics".equals(p.getName()));
  }

  @Test
  void clusterScopeGrantsEverythingEverywhereButTheLeaseOnlyInItsNamespace() {
    Rbac rbac = new Rbac(Chart.objects(Chart.template(Map.of())));
    for (String[] need : NAMESPACED_NEEDS) {
      assertThat(rbac.allows(need[2], need[0], need[1], null)).as("%s", (Object) need).isTrue();
    }
    for (String[] need : CLUSTER_NEEDS) {
      assertThat(rbac.allows(need[2], need[0], need[1], null)).as("%s", (Object) need).isTrue();
    }
    assertThat(rbac.allows("patch", "coordination.k8s.io", "leases", Chart.RELEASE_NAMESPACE))
        .isTrue();
    assertThat(rbac.allows("patch", "coordination.k8s.io", "leases", "payments")).isFalse();
    // Secrets are read one by one, by name, for the lag reader: never listed or watched.
    assertThat(rbac.allows("list", "", "secrets", "payments")).isFalse();
    assertThat(rbac.allows("watch", "", "secrets", "payments")).isFalse();
    // A pool's scale target is resized through /scale only: its spec stays the owner's.
    assertThat(rbac.allows("update", "cluster.x-k8s.io", "machinedeployments", null)).isFalse();
  }

  @Test
  void namespaceScoped() {
    List<HasMetadata> objects =
        render(
            "namespaceScoped",
            values(
                "rbac.scope",
                "namespace",
                "watchNamespaces[0]",
                "payments",
                "watchNamespaces[1]",
                "analytics"));
    assertThat(env(container(Chart.one(objects, Deployment.class)), "TRIBUTARY_NAMESPACES"))
        .isEqualTo("payments,analytics");
    Rbac rbac = new Rbac(objects);
    for (String ns : List.of("payments", "analytics")) {
      for (String[] need : NAMESPACED_NEEDS) {
        assertThat(rbac.allows(need[2], need[0], need[1], ns)).as("%s in %s", need, ns).isTrue();
      }
    }
    for (String[] need : NAMESPACED_NEEDS) {
      assertThat(rbac.allows(need[2], need[0], need[1], "billing"))
          .as("%s in an unwatched namespace", (Object) need)
          .isFalse();
      assertThat(rbac.allows(need[2], need[0], need[1], null))
          .as("%s cluster-wide", (Object) need)
          .isFalse();
    }
    for (String[] need : CLUSTER_NEEDS) {
      assertThat(rbac.allows(need[2], need[0], need[1], null)).as("%s", (Object) need).isTrue();
    }
    // ComputePools are cluster-scoped: their Events go to the default namespace.
    assertThat(rbac.allows("create", "", "events", "default")).isTrue();
    assertThat(rbac.allows("create", "coordination.k8s.io", "leases", Chart.RELEASE_NAMESPACE))
        .isTrue();
    // The ClusterRole holds only what is cluster-wide: no namespaced kind at all.
    ClusterRole role = Chart.one(objects, ClusterRole.class);
    assertThat(role.getRules())
        .flatExtracting(r -> r.getResources())
        .allMatch(
            r ->
                r.startsWith("computepools")
                    || r.equals("dataendpoints")
                    || r.equals("nodes")
                    || r.equals("namespaces")
                    || r.endsWith("/scale")
                    || r.equals("machines"));
    assertThat(Chart.all(objects, Role.class))
        .extracting(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "payments/tributary-operator",
            "analytics/tributary-operator",
            "default/tributary-operator-pool-events",
            "tributary-system/tributary-operator-leader-election");
  }

  @Test
  void oneReplicaWithoutLeaderElection() {
    List<HasMetadata> objects =
        render(
            "oneReplicaWithoutLeaderElection", values("replicaCount", 1, "leaderElection", false));
    Deployment d = Chart.one(objects, Deployment.class);
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    assertThat(env(container(d), "TRIBUTARY_LEADER_ELECTION")).isEqualTo("false");
    // A budget of one pod out of one would block every node drain; no Lease, no Lease Role.
    assertThat(Chart.all(objects, PodDisruptionBudget.class)).isEmpty();
    assertThat(new Rbac(objects).allows("get", "coordination.k8s.io", "leases", "tributary-system"))
        .isFalse();
  }

  /**
   * The local cluster's settings: DNS on the node's address, the operator's egress limited to the
   * API server, DNS and the Kafka broker, the catalog enforced (its RBAC and setting) or not.
   */
  @Test
  void operatorEgressAndDnsOnTheNode() {
    List<HasMetadata> objects =
        render(
            "operatorEgressAndDnsOnTheNode",
            values(
                "networkPolicy.dns.to[0].ipBlock.cidr",
                "10.244.0.1/32",
                "networkPolicy.operatorEgress.enabled",
                true,
                "networkPolicy.operatorEgress.apiServer.cidrs[0]",
                "10.244.0.1/32",
                "networkPolicy.operatorEgress.apiServer.ports[0]",
                6443,
                "networkPolicy.operatorEgress.extra[0].to[0].ipBlock.cidr",
                "10.244.0.1/32",
                "networkPolicy.operatorEgress.extra[0].ports[0].port",
                9092));
    NetworkPolicy policy = Chart.one(objects, NetworkPolicy.class);
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(policy.getSpec().getEgress())
        .extracting(
            r ->
                r.getTo().get(0).getIpBlock().getCidr()
                    + " "
                    + r.getPorts().stream()
                        .map(p -> p.getPort().getIntVal() + "/" + p.getProtocol())
                        .toList())
        .containsExactly(
            "10.244.0.1/32 [6443/TCP]",
            "10.244.0.1/32 [53/UDP, 53/TCP]",
            "10.244.0.1/32 [9092/null]");
    Container c = container(Chart.one(objects, Deployment.class));
    assertThat(env(c, "TRIBUTARY_ENDPOINT_CATALOG")).isEqualTo("enforce");
    assertThat(
            io.tributary.operator.config.OperatorConfig.fromEnv(
                    Map.of("TRIBUTARY_NETWORK_POLICY_DNS", env(c, "TRIBUTARY_NETWORK_POLICY_DNS")))
                .dnsEgress()
                .getTo()
                .get(0)
                .getIpBlock()
                .getCidr())
        .isEqualTo("10.244.0.1/32");
    // The operator keeps a policy for exactly its own pods, and may write it.
    Deployment operator = Chart.one(objects, Deployment.class);
    assertThat(
            io.tributary.operator.config.OperatorConfig.fromEnv(
                    Map.of(
                        "TRIBUTARY_OPERATOR_EGRESS_POD_LABELS",
                        env(c, "TRIBUTARY_OPERATOR_EGRESS_POD_LABELS")))
                .operatorEgress()
                .podLabels())
        .isEqualTo(operator.getSpec().getSelector().getMatchLabels());
    Rbac rbac = new Rbac(objects);
    assertThat(
            rbac.allows(
                new Rbac.Request(
                    "patch",
                    "networking.k8s.io",
                    "networkpolicies",
                    Chart.RELEASE_NAMESPACE,
                    "tributary-operator-endpoints")))
        .isTrue();

    List<HasMetadata> off = Chart.objects(Chart.template(values("endpointCatalog.enforce", false)));
    assertThat(env(container(Chart.one(off, Deployment.class)), "TRIBUTARY_ENDPOINT_CATALOG"))
        .isEqualTo("off");
    assertThat(new Rbac(off).allows("watch", "tributary.io", "dataendpoints", null)).isFalse();
    assertThat(Chart.one(off, NetworkPolicy.class).getSpec().getPolicyTypes())
        .containsExactly("Ingress");
    List<HasMetadata> noCatalog =
        Chart.objects(
            Chart.template(
                values(
                    "endpointCatalog.enforce",
                    false,
                    "networkPolicy.operatorEgress.enabled",
                    true,
                    "networkPolicy.operatorEgress.apiServer.cidrs[0]",
                    "10.244.0.1/32")));
    assertThat(container(Chart.one(noCatalog, Deployment.class)).getEnv())
        .as("no catalog, nothing for the operator to open")
        .noneMatch(e -> e.getName().equals("TRIBUTARY_OPERATOR_EGRESS_POD_LABELS"));
    assertThat(Chart.all(noCatalog, Role.class))
        .noneMatch(r -> r.getMetadata().getName().equals("tributary-operator-egress"));
  }

  @Test
  void operatorEgressWithoutTheApiServerFailsWithTheFix() {
    assertThatThrownBy(() -> Chart.template(values("networkPolicy.operatorEgress.enabled", true)))
        .hasMessageContaining("networkPolicy.operatorEgress.apiServer.cidrs");
  }

  @Test
  void customPriority() {
    List<HasMetadata> objects =
        render(
            "customPriority",
            values("priorityClass.name", "data-platform-operators", "priorityClass.value", 50000));
    PriorityClass priority = Chart.one(objects, PriorityClass.class);
    assertThat(priority.getMetadata().getName()).isEqualTo("data-platform-operators");
    assertThat(priority.getValue()).isEqualTo(50000);
    assertThat(Chart.one(objects, Deployment.class).getSpec().getTemplate().getSpec())
        .extracting(PodSpec::getPriorityClassName)
        .isEqualTo("data-platform-operators");
  }

  @Test
  void anExistingPriorityClassIsNamedNotCreated() {
    List<HasMetadata> objects =
        Chart.objects(
            Chart.template(
                values("priorityClass.create", false, "priorityClass.name", "platform-critical")));
    assertThat(Chart.all(objects, PriorityClass.class)).isEmpty();
    assertThat(
            Chart.one(objects, Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getPriorityClassName())
        .isEqualTo("platform-critical");
  }

  static Stream<Arguments> wrongValues() {
    // Helm names a schema violation by its JSON pointer, /rbac/scope; a template check by key.
    return Stream.of(
        Arguments.of(values("rbac.scope", "tenant"), "/rbac/scope"),
        Arguments.of(values("rbac.scope", "namespace"), "/watchNamespaces"),
        Arguments.of(values("leaderElection", false), "/replicaCount"),
        Arguments.of(values("replicaCount", 0), "/replicaCount"),
        Arguments.of(values("replicaCount", "two"), "/replicaCount"),
        Arguments.of(values("replicas", 3), "'replicas'"),
        // monitoring.*: MonitoringChartTest has the rest.
        Arguments.of(values("monitoring.anything", true), "'anything'"),
        Arguments.of(values("image.pullPolicy", "Sometimes"), "/image/pullPolicy"),
        Arguments.of(values("watchNamespaces[0]", "Payments"), "/watchNamespaces/0"),
        Arguments.of(values("priorityClass.value", 2000000000), "/priorityClass/value"),
        Arguments.of(values("lineage.transport", "http"), "url"),
        Arguments.of(values("lineage.transport", "kafka"), "topic"),
        Arguments.of(values("logLevel", "VERBOSE"), "/logLevel"),
        Arguments.of(
            values("podDisruptionBudget.minAvailable", 2), "podDisruptionBudget.minAvailable=2"),
        Arguments.of(values("metricsPort", 70000), "/metricsPort"));
  }

  @ParameterizedTest
  @MethodSource("wrongValues")
  void wrongValuesFailAtInstall(Map<String, Object> sets, String named) {
    assertThatThrownBy(() -> Chart.template(sets)).hasMessageContaining(named);
  }

  private static Container container(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static String env(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name));
  }

  private static String path(Probe probe) {
    assertThat(probe).isNotNull();
    return probe.getHttpGet().getPath();
  }

  /**
   * Where a pod breaks the Pod Security Standard "restricted" (the tributary-system namespace
   * enforces it), plus our own rule: a read-only root filesystem with /tmp on an emptyDir.
   */
  static List<String> restrictedViolations(PodSpec pod) {
    List<String> out = new ArrayList<>();
    var podSc = pod.getSecurityContext();
    if (Boolean.TRUE.equals(pod.getHostNetwork())
        || Boolean.TRUE.equals(pod.getHostPID())
        || Boolean.TRUE.equals(pod.getHostIPC())) {
      out.add("host namespaces");
    }
    pod.getVolumes().stream()
        .filter(v -> v.getHostPath() != null)
        .forEach(v -> out.add("hostPath volume " + v.getName()));
    boolean podNonRoot = podSc != null && Boolean.TRUE.equals(podSc.getRunAsNonRoot());
    boolean podSeccomp =
        podSc != null
            && podSc.getSeccompProfile() != null
            && List.of("RuntimeDefault", "Localhost").contains(podSc.getSeccompProfile().getType());
    if (podSc != null && Long.valueOf(0).equals(podSc.getRunAsUser())) out.add("pod runs as 0");
    for (Container c : pod.getContainers()) {
      var sc = c.getSecurityContext();
      String n = c.getName() + ": ";
      if (sc == null) {
        out.add(n + "no securityContext");
        continue;
      }
      if (Boolean.TRUE.equals(sc.getPrivileged())) out.add(n + "privileged");
      if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
        out.add(n + "allowPrivilegeEscalation not false");
      }
      if (sc.getCapabilities() == null || !sc.getCapabilities().getDrop().contains("ALL")) {
        out.add(n + "capabilities not dropped: ALL");
      }
      if (sc.getCapabilities() != null
          && sc.getCapabilities().getAdd().stream().anyMatch(a -> !a.equals("NET_BIND_SERVICE"))) {
        out.add(n + "capabilities added");
      }
      if (!podNonRoot && !Boolean.TRUE.equals(sc.getRunAsNonRoot())) out.add(n + "may run as root");
      if (!podSeccomp && sc.getSeccompProfile() == null) out.add(n + "no seccomp profile");
      if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) out.add(n + "writable root");
      boolean tmp =
          c.getVolumeMounts().stream()
              .anyMatch(
                  m ->
                      m.getMountPath().equals("/tmp")
                          && pod.getVolumes().stream()
                              .anyMatch(
                                  v -> v.getName().equals(m.getName()) && v.getEmptyDir() != null));
      if (!tmp) out.add(n + "no emptyDir on /tmp");
    }
    return out;
  }
}

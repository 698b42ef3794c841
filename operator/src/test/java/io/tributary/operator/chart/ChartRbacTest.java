package io.tributary.operator.chart;

import static io.tributary.operator.testing.Golden.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.tributary.operator.api.ComputePool;
import io.tributary.operator.api.DataPipeline;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.api.TransformSet;
import io.tributary.operator.testing.MockCluster;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The RBAC the chart renders is enough for what the operator really asks of the API server: the
 * operator runs on the mock server with the settings of the rendered Deployment, reconciles a
 * ComputePool, a StreamJob (payments), a DataPipeline (analytics) and a TransformSet (payments),
 * and every request it made is checked against the rendered Roles and ClusterRoles, as the API
 * server's authorizer would.
 */
class ChartRbacTest {
  private final MockCluster cluster = new MockCluster(Clock.systemUTC());

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void clusterScopeAllowsEveryRequestTheOperatorMakes() {
    assertThat(denied(Map.of())).isEmpty();
  }

  @Test
  void namespaceScopeAllowsEveryRequestTheOperatorMakes() {
    assertThat(
            denied(
                Map.of(
                    "rbac.scope", "namespace",
                    "watchNamespaces[0]", "payments",
                    "watchNamespaces[1]", "analytics")))
        .isEmpty();
  }

  private static final Map<String, Object> EGRESS =
      Map.of(
          "networkPolicy.operatorEgress.enabled",
          true,
          "networkPolicy.operatorEgress.apiServer.cidrs[0]",
          "10.0.0.5/32");

  @Test
  void clusterScopeAllowsTheOperatorToKeepItsEgressPolicy() {
    assertThat(denied(EGRESS)).isEmpty();
  }

  @Test
  void namespaceScopeAllowsTheOperatorToKeepItsEgressPolicy() {
    Map<String, Object> sets = new HashMap<>(EGRESS);
    sets.putAll(
        Map.of(
            "rbac.scope", "namespace",
            "watchNamespaces[0]", "payments",
            "watchNamespaces[1]", "analytics"));
    assertThat(denied(sets)).isEmpty();
  }

  /** The requests the operator made that the chart rendered with {@code sets} does not allow. */
  private List<String> denied(Map<String, Object> sets) {
    List<HasMetadata> rendered = Chart.objects(Chart.template(sets));
    Rbac rbac = new Rbac(rendered);
    Map<String, String> env = new HashMap<>();
    Chart.one(rendered, Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .filter(e -> e.getValue() != null)
        .forEach(e -> env.put(e.getName(), e.getValue()));

    env.put("POD_NAMESPACE", Chart.RELEASE_NAMESPACE); // the chart's fieldRef
    boolean egress = env.containsKey("TRIBUTARY_OPERATOR_EGRESS_POD_LABELS");
    for (HasMetadata o :
        List.of(
            fixture("cpu-pool.yaml", ComputePool.class),
            fixture("fraud-streamjob.yaml", StreamJob.class),
            fixture("customer-features.yaml", DataPipeline.class),
            fixture("cleaning-transformset.yaml", TransformSet.class))) {
      cluster.client().resource(o).create();
    }
    if (egress) { // as Helm would have made it: the operator reads it to own its policy
      cluster
          .client()
          .resource(
              Chart.all(rendered, io.fabric8.kubernetes.api.model.rbac.Role.class).stream()
                  .filter(r -> r.getMetadata().getName().equals("tributary-operator-egress"))
                  .findFirst()
                  .orElseThrow())
          .create();
    }
    cluster.drainRequests(); // the test's own

    cluster.startOperator(
        env,
        o ->
            o.withLeaderElectionConfiguration(
                new LeaderElectionConfiguration(
                    "tributary-operator",
                    Chart.RELEASE_NAMESPACE,
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(1),
                    "tributary-operator-0",
                    null,
                    false)));
    await()
        .until(
            () ->
                cluster.reconcilesDone("ComputePool") > 0
                    && cluster.reconcilesDone("StreamJob") > 0
                    && cluster.reconcilesDone("DataPipeline") > 0
                    && cluster.reconcilesDone("TransformSet") > 0);
    List<String> requests = new ArrayList<>(cluster.drainRequests());
    if (egress) {
      await()
          .until(
              () -> {
                requests.addAll(cluster.drainRequests());
                return requests.stream()
                    .anyMatch(
                        r ->
                            r.startsWith("POST ")
                                && r.contains(
                                    "/namespaces/" + Chart.RELEASE_NAMESPACE + "/networkpolicies"));
              });
    }

    List<Rbac.Request> checked = new ArrayList<>();
    List<String> denied = new ArrayList<>();
    for (String request : requests) {
      Optional<Rbac.Request> r = parse(request);
      if (r.isEmpty()) continue;
      checked.add(r.get());
      if (!rbac.allows(r.get())) denied.add(r.get() + "  <- " + request);
    }
    // Not vacuous: the operator took the Lease and wrote what it renders.
    assertThat(checked)
        .contains(
            new Rbac.Request("create", "coordination.k8s.io", "leases", Chart.RELEASE_NAMESPACE))
        .anyMatch(r -> r.verb().equals("patch") && r.resource().equals("streamjobs/status"))
        .anyMatch(r -> r.verb().equals("patch") && r.resource().equals("transformsets/status"))
        .anyMatch(r -> r.verb().equals("watch") && r.resource().equals("transformsets"))
        .anyMatch(r -> r.verb().equals("watch") && r.resource().equals("nodes"));
    if (egress) {
      assertThat(checked)
          .contains(
              new Rbac.Request(
                  "create", "networking.k8s.io", "networkpolicies", Chart.RELEASE_NAMESPACE))
          .contains(
              new Rbac.Request(
                  "get",
                  "networking.k8s.io",
                  "networkpolicies",
                  Chart.RELEASE_NAMESPACE,
                  "tributary-operator-endpoints"))
          .contains(
              new Rbac.Request(
                  "get",
                  "rbac.authorization.k8s.io",
                  "roles",
                  Chart.RELEASE_NAMESPACE,
                  "tributary-operator-egress"));
    }
    return denied.stream().distinct().toList();
  }

  /**
   * "METHOD /api/v1/namespaces/ns/pods?watch=true" as the authorizer sees it; empty for discovery
   * and for the SelfSubjectRulesReview every authenticated user may create.
   */
  static Optional<Rbac.Request> parse(String request) {
    String method = request.substring(0, request.indexOf(' '));
    URI uri = URI.create(request.substring(request.indexOf(' ') + 1));
    List<String> s = new ArrayList<>(Arrays.asList(uri.getPath().substring(1).split("/")));
    String group;
    if (s.get(0).equals("api") && s.size() > 2) {
      group = "";
      s = s.subList(2, s.size());
    } else if (s.get(0).equals("apis") && s.size() > 3) {
      group = s.get(1);
      s = s.subList(3, s.size());
    } else {
      return Optional.empty(); // discovery: /api, /apis, /apis/group/version
    }
    if (group.equals("authorization.k8s.io")) return Optional.empty();
    String namespace = null;
    if (s.get(0).equals("namespaces") && s.size() >= 3) {
      namespace = s.get(1);
      s = s.subList(2, s.size());
    }
    String resource = s.get(0) + (s.size() > 2 ? "/" + s.get(2) : "");
    boolean named = s.size() > 1;
    boolean watch = uri.getQuery() != null && uri.getQuery().contains("watch=true");
    String verb =
        switch (method) {
          case "GET" -> watch ? "watch" : named ? "get" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> throw new IllegalArgumentException(request);
        };
    return Optional.of(new Rbac.Request(verb, group, resource, namespace, named ? s.get(1) : null));
  }
}

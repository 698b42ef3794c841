package io.tributary.operator.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.tributary.operator.Operators;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.metrics.OperatorMetrics;
import io.tributary.operator.reconcile.Applier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Fabric8 mock API server in CRUD mode with our CRDs installed, and the operator running against
 * it. It records every request so tests can count writes. It has no controllers: tests play the
 * Deployment controller and the kubelet by writing status themselves.
 */
public final class MockCluster implements AutoCloseable {
  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
  private final KubernetesMockServer server =
      new KubernetesMockServer(
          new Context(),
          new MockWebServer(),
          new HashMap<>(),
          new KubernetesCrudDispatcher(),
          false);
  private final NamespacedKubernetesClient client;
  private final Clock clock;
  private final TestingLagSource lag = new TestingLagSource();
  private PrometheusRegistry registry = new PrometheusRegistry();
  private Operator operator;
  private final List<RecordedRequest> seen = new ArrayList<>();

  public MockCluster(Clock clock) {
    this.clock = clock;
    // The operator runs on its own threads; on a loaded 2-core CI machine a reconcile chain
    // (a dependsOn run after its upstream) can take longer than Awaitility's 10 s default. A
    // longer wait changes nothing when the code is right and only delays a real failure.
    org.awaitility.Awaitility.setDefaultTimeout(java.time.Duration.ofSeconds(30));
    server.init();
    client = server.createClient();
    for (String crd :
        List.of(
            "computepools.tributary.io-v1.yml",
            "datapipelines.tributary.io-v1.yml",
            "streamjobs.tributary.io-v1.yml")) {
      try {
        var definition =
            Serialization.unmarshal(
                Files.readString(Path.of("target/crds", crd)), CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(definition).create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The consumer lag the operator sees. */
  public TestingLagSource lag() {
    return lag;
  }

  public NamespacedKubernetesClient client() {
    return client;
  }

  public MockCluster startOperator() {
    registry = new PrometheusRegistry();
    operator =
        Operators.create(
            client,
            OperatorConfig.fromEnv(java.util.Map.of("TRIBUTARY_LAG_POLL_SECONDS", "1")),
            new OperatorMetrics(registry),
            Applier.Mode.MERGE_PATCH,
            clock,
            lag,
            o -> o.checkingCRDAndValidateLocalModel(false));
    operator.start();
    return this;
  }

  public void stopOperator() {
    if (operator != null) operator.stop();
    operator = null;
  }

  /**
   * Reconciles of {@code kind} the running operator has finished, so a test can wait for one to
   * have happened before it asserts what the reconcile did (or did not do).
   */
  public long reconcilesDone(String kind) {
    return registry.scrape().stream()
        .filter(HistogramSnapshot.class::isInstance)
        .map(HistogramSnapshot.class::cast)
        .filter(
            m -> m.getMetadata().getName().equals("tributary_operator_reconcile_duration_seconds"))
        .flatMap(m -> m.getDataPoints().stream())
        .filter(d -> kind.equals(d.getLabels().get("kind")))
        .mapToLong(d -> d.getCount())
        .sum();
  }

  /** Requests made since the last call, as "METHOD path". */
  public List<String> drainRequests() {
    List<String> out = new ArrayList<>();
    try {
      RecordedRequest r;
      while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
        seen.add(r);
        out.add(r.getMethod() + " " + r.getPath());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /** The write requests among {@code requests}. */
  public static List<String> writes(List<String> requests) {
    return requests.stream().filter(r -> WRITES.contains(r.substring(0, r.indexOf(' ')))).toList();
  }

  @Override
  public void close() {
    stopOperator();
    client.close();
    server.destroy();
  }
}

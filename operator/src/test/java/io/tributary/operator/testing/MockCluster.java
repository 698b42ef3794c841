package io.tributary.operator.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.tributary.operator.Operators;
import io.tributary.operator.api.DataEndpoint;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.metrics.OperatorMetrics;
import io.tributary.operator.reconcile.Applier;
import io.tributary.operator.reconcile.EventRecorder;
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
          new LeaseReviewingDispatcher(),
          false);
  private final NamespacedKubernetesClient client;
  private final Clock clock;
  private final TestingLagSource lag;
  private final TestingCloudEventPublisher cloudEvents = new TestingCloudEventPublisher();
  private PrometheusRegistry registry = new PrometheusRegistry();
  private Operator operator;
  private EventRecorder events;
  private io.tributary.operator.reconcile.OperatorEgressKeeper egress;
  private final List<RecordedRequest> seen = new ArrayList<>();

  public MockCluster(Clock clock) {
    this.clock = clock;
    this.lag = new TestingLagSource(clock);
    // The operator runs on its own threads; on a loaded 2-core CI machine a reconcile chain
    // (a dependsOn run after its upstream) can take longer than Awaitility's 10 s default. A
    // longer wait changes nothing when the code is right and only delays a real failure.
    org.awaitility.Awaitility.setDefaultTimeout(java.time.Duration.ofSeconds(30));
    server.init();
    client = server.createClient();
    for (String crd :
        List.of(
            "computepools.tributary.io-v1.yml",
            "dataendpoints.tributary.io-v1.yml",
            "datapipelines.tributary.io-v1.yml",
            "streamjobs.tributary.io-v1.yml",
            "transformsets.tributary.io-v1.yml")) {
      try {
        var definition =
            Serialization.unmarshal(
                Files.readString(Path.of("target/crds", crd)), CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(definition).create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (String ns : FIXTURE_NAMESPACES) {
      for (String name : FIXTURE_SECRETS) secret(ns, name, true);
    }
    for (DataEndpoint endpoint : fixtureEndpoints()) client.resource(endpoint).create();
  }

  /**
   * The endpoint catalog every address of the test fixtures resolves against
   * (fixtures/data-endpoints.yaml, all in me-central-1), as the platform team would have it. A test
   * of a refusal uses an address outside it, or deletes an entry.
   */
  public static List<DataEndpoint> fixtureEndpoints() {
    try (var in = MockCluster.class.getResourceAsStream("/fixtures/data-endpoints.yaml")) {
      String all = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      List<DataEndpoint> out = new ArrayList<>();
      for (String doc : all.split("(?m)^---$")) {
        out.add(Serialization.unmarshal(doc, DataEndpoint.class));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CloudEvents the reconcilers handed over to be sent. */
  public TestingCloudEventPublisher cloudEvents() {
    return cloudEvents;
  }

  /**
   * The Secrets the test fixtures reference, in the namespaces the tests use, open to pipelines
   * (labelled tributary.io/pipeline-secret=true), as a platform team would have them. A test of the
   * refusal uses names outside this list.
   */
  private static final List<String> FIXTURE_SECRETS =
      List.of(
          "masking-key", "mask", "crm-db", "kafka-auth", "kafka-ca", "kafka-user", "redis-auth");

  private static final List<String> FIXTURE_NAMESPACES =
      List.of("analytics", "payments", "ml", "default");

  /** Creates Secret {@code name} in {@code namespace}, open to pipelines or not. */
  public void secret(String namespace, String name, boolean openToPipelines) {
    var secret =
        new io.fabric8.kubernetes.api.model.SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .build();
    if (openToPipelines) {
      secret.getMetadata().setLabels(java.util.Map.of("tributary.io/pipeline-secret", "true"));
    }
    client.resource(secret).createOr(r -> r.update());
  }

  /** The consumer lag the operator sees. */
  public TestingLagSource lag() {
    return lag;
  }

  public NamespacedKubernetesClient client() {
    return client;
  }

  /** The NetworkPolicy {@code namespace/name}, or null. */
  public io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy networkPolicy(
      String namespace, String name) {
    return client.network().v1().networkPolicies().inNamespace(namespace).withName(name).get();
  }

  public MockCluster startOperator() {
    return startOperator(java.util.Map.of("TRIBUTARY_LAG_POLL_SECONDS", "1"));
  }

  /** The operator with the settings of {@code env} (see OperatorConfig). */
  public MockCluster startOperator(java.util.Map<String, String> env) {
    return startOperator(env, o -> {});
  }

  /**
   * The operator with the settings of {@code env} and JOSDK overrides on top (leader election, for
   * one).
   */
  public MockCluster startOperator(
      java.util.Map<String, String> env,
      java.util.function.Consumer<ConfigurationServiceOverrider> overrides) {
    registry = new PrometheusRegistry();
    events = new EventRecorder(client, clock);
    operator =
        Operators.create(
            client,
            OperatorConfig.fromEnv(env),
            new OperatorMetrics(registry),
            Applier.Mode.MERGE_PATCH,
            clock,
            lag,
            events,
            cloudEvents,
            o -> overrides.accept(o.checkingCRDAndValidateLocalModel(false)));
    operator.start();
    egress =
        Operators.egressKeeper(client, OperatorConfig.fromEnv(env), Applier.Mode.MERGE_PATCH)
            .orElse(null);
    return this;
  }

  /** The running operator (null when stopped). */
  public Operator operator() {
    return operator;
  }

  public void stopOperator() {
    if (operator != null) operator.stop();
    if (events != null) events.close();
    if (egress != null) egress.close();
    egress = null;
    operator = null;
    events = null;
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

  /** What the running operator's /metrics would show now. */
  public Scrape scrape() {
    return Scrape.of(registry);
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

  /**
   * The CRUD dispatcher, plus an answer to the SelfSubjectRulesReview JOSDK posts before it runs
   * for the Lease: the mock server has no RBAC, so it grants every verb on leases, as the chart's
   * Role does.
   */
  private static final class LeaseReviewingDispatcher extends KubernetesCrudDispatcher {
    @Override
    public MockResponse handleCreate(RecordedRequest request) {
      if (!request.getPath().endsWith("/selfsubjectrulesreviews")) {
        return super.handleCreate(request);
      }
      SelfSubjectRulesReview review =
          Serialization.unmarshal(request.getUtf8Body(), SelfSubjectRulesReview.class);
      review.setStatus(
          new SubjectRulesReviewStatusBuilder()
              .addNewResourceRule()
              .withApiGroups("coordination.k8s.io")
              .withResources("leases")
              .withVerbs("*")
              .endResourceRule()
              .withIncomplete(false)
              .build());
      return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(review));
    }
  }

  @Override
  public void close() {
    stopOperator();
    client.close();
    server.destroy();
  }
}

package io.tributary.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tributary.operator.api.StreamJob;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.kafka.KafkaLagSource;
import io.tributary.operator.metrics.OperatorMetrics;
import io.tributary.operator.metrics.Probes;
import io.tributary.operator.reconcile.Applier;
import io.tributary.operator.reconcile.AsyncCloudEventPublisher;
import io.tributary.operator.reconcile.EventRecorder;
import io.tributary.operator.reconcile.OperatorEgressKeeper;
import io.tributary.operator.validate.Validate;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator process, or with {@code validate} as the first argument, the offline validation
 * command ({@link Validate}, docs/validate.md). Settings come from {@code TRIBUTARY_*} environment
 * variables; flags of the form {@code --namespaces=a,b}, {@code --metrics-port=8080}, {@code
 * --leader-election=false} override them (see docs/operator.md).
 */
public final class Main {
  // Not a static field: `validate` configures logging before the first logger exists.
  private static Logger log() {
    return LoggerFactory.getLogger(Main.class);
  }

  /** The leader-election Lease, in the operator's namespace (TRIBUTARY_LEASE_NAMESPACE). */
  static final String LEASE = "tributary-operator";

  private Main() {}

  public static void main(String[] args) throws IOException {
    if (args.length > 0 && args[0].equals("validate")) {
      // Logs, if any, on stderr and only warnings: stdout carries the problems.
      System.setProperty("tributary.log.target", "System.err");
      System.setProperty("TRIBUTARY_LOG_LEVEL", "WARN");
      System.exit(
          Validate.run(
              Arrays.asList(args).subList(1, args.length), System.in, System.out, System.err));
    }
    OperatorConfig config = OperatorConfig.fromEnv(withFlags(System.getenv(), args));
    PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
    JvmMetrics.builder().register(registry);
    OperatorMetrics metrics = new OperatorMetrics(registry);

    AtomicBoolean stopping = new AtomicBoolean();
    KubernetesClient client = new KubernetesClientBuilder().build();
    EventRecorder events = new EventRecorder(client, Clock.systemUTC());
    KafkaLagSource lag = new KafkaLagSource(Clock.systemUTC(), config.lagPoll());
    AsyncCloudEventPublisher cloudEvents =
        new AsyncCloudEventPublisher(
            (owner, event, delivered) -> {
              if (owner instanceof StreamJob) metrics.streamJobs().event(owner, event, delivered);
              else metrics.pipelines().event(owner, event, delivered);
            });
    Operator operator =
        Operators.create(
            client,
            config,
            metrics,
            Applier.Mode.SERVER_SIDE_APPLY,
            Clock.systemUTC(),
            lag,
            events,
            cloudEvents,
            o -> {
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    leaderElection(config, stopping::get, () -> System.exit(1)));
              }
            });
    // Up before the start, so the kubelet's startup probe gets 503 (not a refused connection)
    // while the informers sync.
    HTTPServer server =
        HTTPServer.builder()
            .port(config.metricsPort())
            .registry(registry)
            .defaultHandler(new Probes(Probes.of(operator)))
            .buildAndStart();
    // With the operator's egress restricted (chart networkPolicy.operatorEgress), the catalog's
    // Kafka clusters and HTTP receivers are opened by a policy the operator keeps from the catalog.
    Optional<OperatorEgressKeeper> egress =
        Operators.egressKeeper(client, config, Applier.Mode.SERVER_SIDE_APPLY);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log().info("shutting down: finishing in-flight reconciles");
                  stopping.set(true);
                  operator.stop();
                  events.close();
                  cloudEvents.close();
                  lag.close();
                  egress.ifPresent(OperatorEgressKeeper::close);
                  server.close();
                },
                "shutdown"));
    operator.start();
    log()
        .info(
            "tributary operator started: namespaces={}, leaderElection={}, metrics and probes on :{}",
            config.namespaces().isEmpty() ? "all" : config.namespaces(),
            config.leaderElection(),
            config.metricsPort());
  }

  /**
   * The Lease {@value #LEASE} in the lease namespace. A replica that loses the Lease while running
   * exits ({@code exit}), so two replicas never reconcile at once; the kubelet restarts it as a
   * standby. Stopping the operator also ends its leadership: then it must not exit, because
   * System.exit from a shutdown hook blocks for good, and the pod would hang until its grace period
   * ran out (JOSDK's own exit on losing the Lease would do that, so it is off here).
   */
  static LeaderElectionConfiguration leaderElection(
      OperatorConfig config, BooleanSupplier stopping, Runnable exit) {
    LeaderCallbacks callbacks =
        new LeaderCallbacks(
            () -> {},
            () -> {
              if (stopping.getAsBoolean()) return;
              log()
                  .error("lost the Lease {} while running: exiting to restart as a standby", LEASE);
              exit.run();
            },
            leader -> {});
    return new LeaderElectionConfiguration(
        LEASE,
        config.leaseNamespace(),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        null, // JOSDK then takes HOSTNAME, the pod's name
        callbacks,
        false);
  }

  /** Maps {@code --name=value} flags onto the environment variable names. */
  static Map<String, String> withFlags(Map<String, String> env, String[] args) {
    Map<String, String> merged = new HashMap<>(env);
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException(
            "unknown argument " + arg + ": use --name=value, e.g. --namespaces=payments,analytics");
      }
      String name = arg.substring(2, arg.indexOf('='));
      String value = arg.substring(arg.indexOf('=') + 1);
      merged.put("TRIBUTARY_" + name.toUpperCase().replace('-', '_'), value);
    }
    return merged;
  }
}

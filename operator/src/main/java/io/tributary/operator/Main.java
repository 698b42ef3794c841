package io.tributary.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.kafka.KafkaLagSource;
import io.tributary.operator.metrics.OperatorMetrics;
import io.tributary.operator.reconcile.Applier;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator process. Settings come from {@code TRIBUTARY_*} environment variables; flags of the
 * form {@code --namespaces=a,b}, {@code --metrics-port=8080}, {@code --leader-election=false}
 * override them (see docs/operator.md).
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws IOException {
    OperatorConfig config = OperatorConfig.fromEnv(withFlags(System.getenv(), args));
    PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
    JvmMetrics.builder().register(registry);
    OperatorMetrics metrics = new OperatorMetrics(registry);
    HTTPServer server =
        HTTPServer.builder().port(config.metricsPort()).registry(registry).buildAndStart();

    KubernetesClient client = new KubernetesClientBuilder().build();
    Operator operator =
        Operators.create(
            client,
            config,
            metrics,
            Applier.Mode.SERVER_SIDE_APPLY,
            Clock.systemUTC(),
            new KafkaLagSource(),
            o -> {
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration("tributary-operator", config.leaseNamespace()));
              }
            });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down: finishing in-flight reconciles");
                  operator.stop();
                  server.close();
                },
                "shutdown"));
    operator.start();
    log.info(
        "tributary operator started: namespaces={}, leaderElection={}, metrics on :{}",
        config.namespaces().isEmpty() ? "all" : config.namespaces(),
        config.leaderElection(),
        config.metricsPort());
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

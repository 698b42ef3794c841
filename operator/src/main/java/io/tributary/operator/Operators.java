package io.tributary.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.tributary.operator.autoscale.LagSource;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.metrics.OperatorMetrics;
import io.tributary.operator.reconcile.Applier;
import io.tributary.operator.reconcile.CloudEventPublisher;
import io.tributary.operator.reconcile.ComputePoolReconciler;
import io.tributary.operator.reconcile.DataPipelineReconciler;
import io.tributary.operator.reconcile.EventRecorder;
import io.tributary.operator.reconcile.OperatorEgressKeeper;
import io.tributary.operator.reconcile.StreamJobReconciler;
import io.tributary.operator.reconcile.TransformSetReconciler;
import java.time.Clock;
import java.util.function.Consumer;

/** Wires the reconcilers into a JOSDK Operator; shared by Main and the mock-server tests. */
public final class Operators {
  private Operators() {}

  public static Operator create(
      KubernetesClient client,
      OperatorConfig config,
      OperatorMetrics metrics,
      Applier.Mode applyMode,
      Clock clock,
      LagSource lagSource,
      EventRecorder events,
      CloudEventPublisher cloudEvents,
      Consumer<ConfigurationServiceOverrider> overrides) {
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withMetrics(metrics)
                  .withCloseClientOnStop(false)
                  .withConcurrentReconciliationThreads(config.reconcileThreads());
              // The mock server cannot do server-side apply; production keeps JOSDK's default.
              o.withUseSSAToPatchPrimaryResource(applyMode == Applier.Mode.SERVER_SIDE_APPLY);
              overrides.accept(o);
            });
    Applier applier = new Applier(client, applyMode);
    operator.register(
        new StreamJobReconciler(config, applier, events, cloudEvents, metrics, clock, lagSource),
        c -> {
          if (!config.namespaces().isEmpty()) c.settingNamespaces(config.namespaces());
        });
    operator.register(
        new DataPipelineReconciler(config, applier, events, cloudEvents, metrics, clock),
        c -> {
          if (!config.namespaces().isEmpty()) c.settingNamespaces(config.namespaces());
        });
    operator.register(new ComputePoolReconciler(config, client, events, metrics, clock));
    operator.register(
        new TransformSetReconciler(events, metrics, clock),
        c -> {
          if (!config.namespaces().isEmpty()) c.settingNamespaces(config.namespaces());
        });
    return operator;
  }

  /**
   * The keeper of the operator's egress to the catalog, started, when the chart restricts the
   * operator's egress and the catalog is enforced (without the catalog there is nothing to open);
   * empty otherwise.
   */
  public static java.util.Optional<OperatorEgressKeeper> egressKeeper(
      KubernetesClient client, OperatorConfig config, Applier.Mode applyMode) {
    if (config.operatorEgress() == null || !config.endpointCatalog()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new OperatorEgressKeeper(client, new Applier(client, applyMode), config.operatorEgress())
            .start());
  }
}

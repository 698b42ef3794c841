package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tributary.operator.api.DataEndpoint;
import io.tributary.operator.config.OperatorConfig;
import io.tributary.operator.policy.EndpointCatalog;
import io.tributary.operator.render.NetworkPolicies;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the NetworkPolicy that opens the operator's own egress to the endpoint catalog ({@link
 * NetworkPolicies#operatorEndpoints}) in step with the DataEndpoints: every add, change or delete
 * re-renders it from the whole catalog and applies it. A plain informer rather than a controller,
 * because the policy depends on all DataEndpoints at once and a deleted one must shrink it too (a
 * controller would see the delete only through a finalizer on the platform team's objects).
 *
 * <p>Every replica keeps it, not only the leader: a standby must be able to reach the brokers the
 * moment it takes over, and all replicas render the same object from the same catalog, so their
 * writes agree (the apply writes nothing when the object already matches).
 */
public final class OperatorEgressKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OperatorEgressKeeper.class);
  private static final long RETRY_SECONDS = 30;

  /** The chart's Role that grants keeping the policy, and owns it. */
  public static final String OWNER_ROLE = "tributary-operator-egress";

  private final KubernetesClient client;
  private final Applier applier;
  private final OperatorConfig.OperatorEgress egress;
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "operator-egress");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean pending = new AtomicBoolean();
  private volatile SharedIndexInformer<DataEndpoint> informer;

  public OperatorEgressKeeper(
      KubernetesClient client, Applier applier, OperatorConfig.OperatorEgress egress) {
    this.client = client;
    this.applier = applier;
    this.egress = egress;
  }

  /** Starts watching the catalog; the first sync follows the informer's initial list. */
  public OperatorEgressKeeper start() {
    informer =
        client
            .resources(DataEndpoint.class)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(DataEndpoint e) {
                    request(0);
                  }

                  @Override
                  public void onUpdate(DataEndpoint before, DataEndpoint after) {
                    request(0);
                  }

                  @Override
                  public void onDelete(DataEndpoint e, boolean finalStateUnknown) {
                    request(0);
                  }
                },
                TimeUnit.MINUTES.toMillis(10));
    // With an empty catalog no event comes: apply the (empty) policy once anyway.
    request(0);
    return this;
  }

  /** One sync at a time; events that arrive while one waits are served by it. */
  private void request(long delaySeconds) {
    if (pending.compareAndSet(false, true))
      worker.schedule(this::sync, delaySeconds, TimeUnit.SECONDS);
  }

  private void sync() {
    pending.set(false);
    if (informer == null || !informer.hasSynced()) {
      // Not the whole catalog yet: a policy from part of it would close brokers still in use.
      request(1);
      return;
    }
    try {
      Role owner = client.rbac().roles().inNamespace(egress.namespace()).withName(OWNER_ROLE).get();
      if (owner == null) {
        // The chart no longer grants it (or not yet): keeping the policy without its owner could
        // leave it behind, restricting the operator's egress with no chart policy beside it.
        throw new IllegalStateException(
            "the Role " + OWNER_ROLE + " that owns it is missing (the chart makes it)");
      }
      NetworkPolicy desired =
          NetworkPolicies.operatorEndpoints(
              egress.namespace(),
              egress.podLabels(),
              informer.getStore().list().stream()
                  .map(e -> new EndpointCatalog.Entry(e.getMetadata().getName(), e.getSpec()))
                  .toList(),
              new OwnerReferenceBuilder()
                  .withApiVersion("rbac.authorization.k8s.io/v1")
                  .withKind("Role")
                  .withName(OWNER_ROLE)
                  .withUid(owner.getMetadata().getUid())
                  .build());
      Applier.Applied<NetworkPolicy> applied = applier.apply(desired, applier.read(desired));
      if (applied.change() != Applier.Change.NONE) {
        log.info(
            "operator egress: {} NetworkPolicy {}/{} with {} catalog rule(s)",
            applied.change() == Applier.Change.CREATED ? "created" : "updated",
            egress.namespace(),
            NetworkPolicies.OPERATOR_ENDPOINTS,
            desired.getSpec().getEgress().size());
      }
    } catch (RuntimeException e) {
      // The API server or RBAC refused: the operator keeps its current egress and tries again.
      log.warn(
          "operator egress: could not apply NetworkPolicy {}/{} ({}); retrying in {} s",
          egress.namespace(),
          NetworkPolicies.OPERATOR_ENDPOINTS,
          e.getMessage(),
          RETRY_SECONDS);
      request(RETRY_SECONDS);
    }
  }

  @Override
  public void close() {
    if (informer != null) informer.close();
    worker.shutdownNow();
  }
}

package io.tributary.operator.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies rendered objects. An object is written only when the cluster's copy no longer holds what
 * we render ({@link DesiredMatch}): a resync of an unchanged object makes no write call, and a hand
 * edit to a field we own (replicas, the securityContext) is put back on the next reconcile.
 * Production uses server-side apply with one field manager, forcing conflicts so a hand edit never
 * keeps ownership; the Fabric8 mock server cannot do SSA, so tests create, or update the observed
 * object with our fields written over it.
 *
 * <p>The observed object comes from the primary's informer cache (never a GET per resync), and what
 * was written goes back into that cache, so the next reconcile sees our own write even before the
 * watch delivers it.
 */
public final class Applier {
  public static final String FIELD_MANAGER = "tributary-operator";
  private static final Logger log = LoggerFactory.getLogger(Applier.class);

  /** How objects are written. */
  public enum Mode {
    SERVER_SIDE_APPLY,
    /** For the mock server: create, or update the observed object with our fields over it. */
    MERGE_PATCH
  }

  /** What an apply did. */
  public enum Change {
    NONE,
    CREATED,
    UPDATED
  }

  /**
   * @param before the object as observed before the apply, or null when it did not exist
   * @param after the object as the API server returned it, or {@code before} when nothing was
   *     written
   */
  public record Applied<T extends HasMetadata>(Change change, T before, T after) {}

  private final KubernetesClient client;
  private final Mode mode;

  public Applier(KubernetesClient client, Mode mode) {
    this.client = client;
    this.mode = mode;
  }

  /**
   * Makes the cluster hold {@code desired}, reading the current object from the informer that the
   * primary's controller registered for its type and telling that informer what was written.
   */
  @SuppressWarnings("unchecked")
  public <T extends HasMetadata> Applied<T> apply(
      T desired, Context<?> context, ResourceID primary) {
    var source =
        (InformerEventSource<T, ?>)
            context.eventSourceRetriever().getEventSourceFor(desired.getClass());
    T observed = source.get(ResourceID.fromResource(desired)).orElse(null);
    Applied<T> applied = apply(desired, observed);
    switch (applied.change()) {
      case CREATED -> source.handleRecentResourceCreate(primary, applied.after());
      case UPDATED -> source.handleRecentResourceUpdate(primary, applied.after(), observed);
      case NONE -> {}
    }
    return applied;
  }

  /**
   * Makes the cluster hold {@code desired}.
   *
   * @param observed the object as the cache or a read has it, or null when it does not exist
   */
  @SuppressWarnings("unchecked")
  public <T extends HasMetadata> Applied<T> apply(T desired, T observed) {
    Optional<String> difference =
        observed == null ? Optional.of("absent") : DesiredMatch.difference(desired, observed);
    if (difference.isEmpty()) return new Applied<>(Change.NONE, observed, observed);
    log.info(
        "{} {} {}/{}: {}",
        observed == null ? "creating" : "updating",
        desired.getKind(),
        desired.getMetadata().getNamespace(),
        desired.getMetadata().getName(),
        difference.get());
    T written;
    if (mode == Mode.SERVER_SIDE_APPLY) {
      written =
          client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    } else if (observed == null) {
      written = client.resource(desired).create();
    } else {
      // The mock server merges lists in a merge patch by appending (RFC 7386 replaces them), so
      // tests write our fields over the observed object with a plain update instead.
      written = client.resource(overlay(desired, observed)).update();
    }
    return new Applied<>(observed == null ? Change.CREATED : Change.UPDATED, observed, written);
  }

  /** {@code observed} with every field of {@code desired} written over it; lists are replaced. */
  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> T overlay(T desired, T observed) {
    ObjectNode base = Serialization.jsonMapper().valueToTree(observed);
    merge(base, Serialization.jsonMapper().valueToTree(desired));
    return (T) Serialization.jsonMapper().convertValue(base, observed.getClass());
  }

  private static void merge(ObjectNode base, JsonNode over) {
    over.fields()
        .forEachRemaining(
            e -> {
              JsonNode current = base.get(e.getKey());
              if (current instanceof ObjectNode o && e.getValue().isObject())
                merge(o, e.getValue());
              else base.set(e.getKey(), e.getValue());
            });
  }

  /**
   * Reads the object {@code desired} names, or null: a live GET, for callers that have no informer
   * for the type yet. Reconcilers with an informer use {@link #apply(HasMetadata, Context,
   * ResourceID)}.
   */
  public <T extends HasMetadata> T read(T desired) {
    return client.resource(desired).get();
  }
}

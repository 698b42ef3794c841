package io.tributary.operator.reconcile;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tributary.operator.api.ComputePoolSpec.ScaleTargetRef;
import io.tributary.operator.autoscale.ScaleTargets;
import java.util.Set;

/**
 * A scale target through the API server's /scale subresource, for any kind that has one: the kind
 * is resolved by discovery, the replicas are read with GET and written with PUT of the Scale
 * object. The PUT carries the resourceVersion that was read, so a concurrent change (kubectl scale,
 * another autoscaler) makes it fail with a conflict and the reconcile is retried on fresh numbers
 * rather than overwriting it.
 */
public final class KubernetesScaleTargets implements ScaleTargets {
  /** Answers a retry will not change: forbidden, not found, no such subresource, invalid. */
  private static final Set<Integer> PERMANENT = Set.of(403, 404, 405, 422);

  private final KubernetesClient client;

  public KubernetesScaleTargets(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public int replicas(ScaleTargetRef ref) throws Unavailable {
    Scale scale = read(ref);
    Integer replicas = scale.getSpec() == null ? null : scale.getSpec().getReplicas();
    return replicas == null ? 0 : replicas;
  }

  @Override
  public void setReplicas(ScaleTargetRef ref, int replicas) throws Unavailable {
    Scale wanted =
        new ScaleBuilder(read(ref)).editOrNewSpec().withReplicas(replicas).endSpec().build();
    try {
      resource(ref).scale(wanted);
    } catch (KubernetesClientException e) {
      if (!PERMANENT.contains(e.getCode())) throw e;
      throw unavailable(ref, "update", e);
    }
  }

  private Scale read(ScaleTargetRef ref) throws Unavailable {
    try {
      return resource(ref).scale();
    } catch (KubernetesClientException e) {
      if (!PERMANENT.contains(e.getCode())) throw e;
      throw unavailable(ref, "get", e);
    }
  }

  /**
   * The target, its kind resolved by discovery here rather than inside the client, so that a kind
   * the API server does not serve is told apart from an API server that does not answer.
   */
  private Resource<GenericKubernetesResource> resource(ScaleTargetRef ref) throws Unavailable {
    APIResourceList served;
    try {
      served = client.getApiResources(ref.apiVersion());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) throw e;
      served = null;
    }
    APIResource kind =
        served == null
            ? null
            : served.getResources().stream()
                .filter(r -> ref.kind().equals(r.getKind()) && !r.getName().contains("/"))
                .findFirst()
                .orElse(null);
    if (kind == null) {
      throw new Unavailable(
          "spec.scaleTargetRef "
              + ScaleTargets.describe(ref)
              + ": the API server serves no kind "
              + ref.kind()
              + " in "
              + ref.apiVersion()
              + ": install its CRD, or correct apiVersion and kind",
          null);
    }
    String group = ref.apiVersion().substring(0, ref.apiVersion().indexOf('/'));
    String version = ref.apiVersion().substring(ref.apiVersion().indexOf('/') + 1);
    var context =
        new ResourceDefinitionContext.Builder()
            .withGroup(group)
            .withVersion(version)
            .withKind(ref.kind())
            .withPlural(kind.getName())
            .withNamespaced(Boolean.TRUE.equals(kind.getNamespaced()))
            .build();
    return client
        .genericKubernetesResources(context)
        .inNamespace(ref.namespace())
        .withName(ref.name());
  }

  private static Unavailable unavailable(
      ScaleTargetRef ref, String verb, KubernetesClientException e) {
    String target = ScaleTargets.describe(ref);
    String fix =
        switch (e.getCode()) {
          case 403 ->
              "the operator may not "
                  + verb
                  + " its /scale subresource: add its group and resource to the Helm value"
                  + " poolAutoscaling.scaleTargets (or the ClusterRole)";
          case 404 ->
              "it does not exist, or its kind has no /scale subresource: create it or"
                  + " correct spec.scaleTargetRef";
          default -> "the API server refused it: " + e.getMessage();
        };
    return new Unavailable("spec.scaleTargetRef " + target + ": " + fix, e);
  }
}

package io.tributary.operator.chart;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Optional;

/**
 * What the rendered chart lets the operator's ServiceAccount do, evaluated as the API server's RBAC
 * authorizer does for resource requests: a ClusterRole bound by a ClusterRoleBinding applies
 * everywhere, a Role bound by a RoleBinding in its own namespace only.
 */
final class Rbac {
  private final List<HasMetadata> objects;

  Rbac(List<HasMetadata> objects) {
    this.objects = objects;
  }

  /**
   * A request of the API: {@code namespace} null for a cluster-scoped resource or a request across
   * all namespaces; {@code group} "" for the core group; {@code name} the object's, or null for
   * requests that name none (list, watch, create).
   */
  record Request(String verb, String group, String resource, String namespace, String name) {
    Request(String verb, String group, String resource, String namespace) {
      this(verb, group, resource, namespace, null);
    }

    @Override
    public String toString() {
      return verb
          + " "
          + (group.isEmpty() ? "" : group + "/")
          + resource
          + (namespace == null ? " (cluster-wide)" : " in " + namespace);
    }
  }

  boolean allows(Request r) {
    for (ClusterRoleBinding b : Chart.all(objects, ClusterRoleBinding.class)) {
      if (!boundToOperator(b.getSubjects())) continue;
      Optional<ClusterRole> role =
          Chart.all(objects, ClusterRole.class).stream()
              .filter(c -> c.getMetadata().getName().equals(b.getRoleRef().getName()))
              .findFirst();
      if (role.isPresent() && grants(role.get().getRules(), r)) return true;
    }
    if (r.namespace() == null) return false;
    for (RoleBinding b : Chart.all(objects, RoleBinding.class)) {
      if (!r.namespace().equals(b.getMetadata().getNamespace())
          || !boundToOperator(b.getSubjects())) {
        continue;
      }
      Optional<Role> role =
          Chart.all(objects, Role.class).stream()
              .filter(
                  c ->
                      c.getMetadata().getName().equals(b.getRoleRef().getName())
                          && r.namespace().equals(c.getMetadata().getNamespace()))
              .findFirst();
      if (role.isPresent() && grants(role.get().getRules(), r)) return true;
    }
    return false;
  }

  boolean allows(String verb, String group, String resource, String namespace) {
    return allows(new Request(verb, group, resource, namespace));
  }

  private static boolean boundToOperator(List<Subject> subjects) {
    return subjects.stream()
        .anyMatch(
            s ->
                "ServiceAccount".equals(s.getKind())
                    && "tributary-operator".equals(s.getName())
                    && Chart.RELEASE_NAMESPACE.equals(s.getNamespace()));
  }

  private static boolean grants(List<PolicyRule> rules, Request r) {
    return rules.stream()
        .anyMatch(
            rule ->
                matches(rule.getApiGroups(), r.group())
                    && matches(rule.getResources(), r.resource())
                    && matches(rule.getVerbs(), r.verb())
                    && (rule.getResourceNames() == null
                        || rule.getResourceNames().isEmpty()
                        || (r.name() != null && rule.getResourceNames().contains(r.name()))));
  }

  private static boolean matches(List<String> granted, String wanted) {
    return granted != null && (granted.contains(wanted) || granted.contains("*"));
  }
}

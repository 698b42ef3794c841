#!/usr/bin/env bash
# A namespace-scoped install (rbac.scope=namespace) reconciles the namespaces it watches and
# cannot touch any other: the chart is installed watching one namespace, a StreamJob is applied
# in it and one in a namespace it does not watch; the first gets its workers and status, the
# second is left alone, and the operator's ServiceAccount is asked (kubectl auth can-i) what it
# may do where. Run by ./test.sh after e2e/uninstall-check.sh (no other release installed);
# it uninstalls its own release at the end. Reinstall the usual one with e2e/install-operator.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(e2e/cluster.sh env)"
NS=tributary-system
WATCHED=e2e-scoped-watched
OTHER=e2e-scoped-other
SA=system:serviceaccount:$NS:tributary-operator
failures=0
check() { # <description> <command...>: run it, report, count failures
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then echo "ok: $what"; else echo "FAILED: $what" >&2; failures=$((failures + 1)); fi
}
cleanup() {
  helm uninstall tributary --namespace "$NS" --wait --timeout 3m >/dev/null 2>&1 || true
  kubectl delete namespace "$WATCHED" "$OTHER" --ignore-not-found --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT

helm status tributary --namespace "$NS" >/dev/null 2>&1 \
  && { echo "a tributary release is installed: run e2e/uninstall-check.sh first" >&2; exit 1; }
for ns in "$WATCHED" "$OTHER"; do
  kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
done
kubectl apply --server-side --force-conflicts -f crds/ >/dev/null
# The least-privilege install restricts the operator's egress too, as install-operator.sh does.
# shellcheck source=e2e/operator-egress.sh
. e2e/operator-egress.sh
mapfile -t egress < <(operator_egress_sets)
helm upgrade --install tributary charts/tributary --namespace "$NS" --create-namespace \
  --set rbac.scope=namespace --set "watchNamespaces={$WATCHED}" \
  --set replicaCount=1 --set leaderElection=true --set podDisruptionBudget.enabled=false \
  --set 'networkPolicy.dns.to[0].ipBlock.cidr=10.244.0.1/32' "${egress[@]}" \
  --wait --timeout 5m >/dev/null
kubectl -n "$NS" rollout status deployment/tributary-operator --timeout=5m >/dev/null

for ns in "$WATCHED" "$OTHER"; do
  kubectl apply -f - >/dev/null <<YAML
apiVersion: tributary.io/v1alpha1
kind: StreamJob
metadata: {name: scoped, namespace: $ns}
spec:
  source:
    kafka: {bootstrapServers: "$KAFKA_BOOTSTRAP", topics: [e2e.scoped.in]}
  sink:
    kafka: {bootstrapServers: "$KAFKA_BOOTSTRAP", topic: e2e.scoped.out}
  guarantee: at-least-once
  replicas: 0
YAML
done

# The watched namespace: reconciled (status written, the workers' Deployment made).
check "the StreamJob in $WATCHED is reconciled (status.observedGeneration set)" \
  kubectl wait -n "$WATCHED" streamjob/scoped --for=jsonpath='{.status.observedGeneration}'=1 --timeout=120s
check "its workers' Deployment exists" kubectl get -n "$WATCHED" deployment scoped-worker
# The other namespace: nothing, well after the watched one was done.
sleep 15
check "the StreamJob in $OTHER has no status" \
  test -z "$(kubectl get -n "$OTHER" streamjob scoped -o jsonpath='{.status}')"
check "and no Deployment" test -z "$(kubectl get -n "$OTHER" deployments -o name)"

# What the ServiceAccount may do.
can() { [ "$(kubectl auth can-i --as="$SA" "$@" 2>/dev/null)" = yes ]; }
cannot() { ! can "$@"; }
check "may create Deployments in $WATCHED" can create deployments -n "$WATCHED"
check "may not create Deployments in $OTHER" cannot create deployments -n "$OTHER"
check "may not read Secrets in $OTHER" cannot get secrets -n "$OTHER"
check "may not list StreamJobs in $OTHER" cannot list streamjobs.tributary.io -n "$OTHER"
check "may not write ConfigMaps in kube-system" cannot create configmaps -n kube-system
check "may not create ServiceAccounts anywhere it does not watch" cannot create serviceaccounts -n "$OTHER"
check "may list nodes (pool autoscaling)" can list nodes
check "may list ComputePools (cluster-scoped)" can list computepools.tributary.io
check "may not patch StreamJobs' spec (only their status)" cannot patch streamjobs.tributary.io -n "$WATCHED"
check "may watch TransformSets in $WATCHED" can watch transformsets.tributary.io -n "$WATCHED"
check "may not patch TransformSets' spec (only their status)" cannot patch transformsets.tributary.io -n "$WATCHED"
check "may patch TransformSets' status" can patch transformsets.tributary.io --subresource=status -n "$WATCHED"
check "keeps its Lease in $NS" can update leases.coordination.k8s.io -n "$NS"
check "may not touch Leases in $OTHER" cannot update leases.coordination.k8s.io -n "$OTHER"
# Its egress: the chart's policy restricts it; the operator keeps the one that opens the catalog.
check "its own NetworkPolicy restricts egress" \
  test "$(kubectl get -n "$NS" networkpolicy tributary-operator -o jsonpath='{.spec.policyTypes}')" = '["Ingress","Egress"]'
check "it keeps tributary-operator-endpoints from the catalog" \
  kubectl get -n "$NS" networkpolicy tributary-operator-endpoints
check "may patch that policy" can patch networkpolicies/tributary-operator-endpoints -n "$NS"
check "may not patch the chart's policy that restricts it" cannot patch networkpolicies/tributary-operator -n "$NS"
check "the operator logged no 'forbidden' from the API server" \
  bash -c "! kubectl -n $NS logs deployment/tributary-operator | grep -qi forbidden"

if [ "$failures" -gt 0 ]; then
  echo "namespace-scoped install: $failures check(s) failed" >&2
  exit 1
fi
echo "namespace-scoped install: reconciles $WATCHED only, and its RBAC stops there"

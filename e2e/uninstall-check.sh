#!/usr/bin/env bash
# `helm uninstall` leaves nothing of the operator behind: every object the release created is
# listed first (from the release's own manifest), the release is uninstalled, and each must be
# gone. The CRDs stay, as Helm leaves a chart's crds/ (and with them every pipeline): that is
# documented in docs/operator.md. Run by ./test.sh after the e2e suite; reinstall with
# e2e/install-operator.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(e2e/cluster.sh env)"
NS=tributary-system

objects=$(helm get manifest tributary --namespace "$NS" \
  | kubectl apply --dry-run=client -f - -o jsonpath='{range .items[*]}{.kind}/{.metadata.name}{"\n"}{end}')
[ -n "$objects" ] || { echo "release tributary has no objects: is it installed?" >&2; exit 1; }
echo "the release's objects: $(echo "$objects" | tr '\n' ' ')"

helm uninstall tributary --namespace "$NS" --wait --timeout 3m

left=()
while read -r obj; do
  [ -n "$obj" ] || continue
  if kubectl get -n "$NS" "$obj" >/dev/null 2>&1; then left+=("$obj"); fi
done <<<"$objects"
# Nothing the operator itself made in its namespace either (leader-election Lease aside, which
# Kubernetes keeps until it expires; it is harmless and reused by the next install).
kubectl -n "$NS" wait --for=delete pods -l app.kubernetes.io/name=tributary-operator --timeout=120s >/dev/null 2>&1 || true
pods=$(kubectl -n "$NS" get pods -l app.kubernetes.io/name=tributary-operator -o name)
[ -z "$pods" ] || left+=("$pods")
# The NetworkPolicy the operator kept for its own egress: owned by the release's Role, so the
# garbage collector removes it with the Role.
kubectl -n "$NS" wait --for=delete networkpolicy/tributary-operator-endpoints --timeout=60s >/dev/null 2>&1 || true
if kubectl -n "$NS" get networkpolicy tributary-operator-endpoints >/dev/null 2>&1; then
  left+=(networkpolicy/tributary-operator-endpoints)
fi
if [ ${#left[@]} -gt 0 ]; then
  echo "left behind after helm uninstall: ${left[*]}" >&2
  exit 1
fi
echo "helm uninstall left nothing behind (CRDs kept: $(kubectl get crd -o name | grep -c tributary.io))"

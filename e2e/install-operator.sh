#!/usr/bin/env bash
# Installs or upgrades the operator on the local cluster with the Helm chart (charts/tributary),
# as a platform team would, then restarts it onto the freshly built :dev images. Used by
# ./quickstart.sh and ./test.sh; run it by hand after `e2e/cluster.sh images`.
# `kubectl apply -k config/default` installs the same objects without Helm (see docs/operator.md).
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(e2e/cluster.sh env)"
NS=tributary-system

# Helm installs a chart's crds/ on the first install only: apply them so upgrades get new schemas.
kubectl apply --server-side --force-conflicts -f crds/ >/dev/null
kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
# The operator runs under the restricted Pod Security profile; the namespace enforces it.
kubectl label namespace "$NS" pod-security.kubernetes.io/enforce=restricted --overwrite >/dev/null

# An operator installed without Helm (`kubectl apply -k config/default`, earlier versions of these
# scripts) owns the same names: Helm refuses to adopt them, so they go first. The namespace and
# what else lives in it (the quickstart's Kafka Service) stay.
if kubectl -n "$NS" get deployment tributary-operator >/dev/null 2>&1 \
  && [ -z "$(kubectl -n "$NS" get deployment tributary-operator -o jsonpath='{.metadata.annotations.meta\.helm\.sh/release-name}')" ]; then
  echo "replacing the operator installed without Helm (kubectl apply -k) with the chart's release"
  kubectl delete -f config/manager/operator.yaml --ignore-not-found --wait=true >/dev/null
fi

# The local cluster's endpoint catalog (Kafka, PostgreSQL, Redis, S3 and MQTT on the node): with the
# catalog enforced, the operator refuses any pipeline naming an address it does not cover.
kubectl apply -f config/samples/data-endpoints.yaml >/dev/null
# The operator's own egress is restricted too: to the API server, DNS and the catalog's Kafka and
# HTTP endpoints (e2e/operator-egress.sh).
# shellcheck source=e2e/operator-egress.sh
. e2e/operator-egress.sh
mapfile -t egress < <(operator_egress_sets)
# CoreDNS runs on the node (10.244.0.1:53, behind kube-dns' ClusterIP): the workers' and the
# operator's egress policies must open DNS there, not to kube-dns pods, which this cluster has none of.
helm upgrade --install tributary charts/tributary --namespace "$NS" --wait --timeout 5m \
  --set 'networkPolicy.dns.to[0].ipBlock.cidr=10.244.0.1/32' "${egress[@]}"
# Same :dev tags, new images: restart onto them.
kubectl -n "$NS" rollout restart deployment/tributary-operator >/dev/null
kubectl -n "$NS" rollout status deployment/tributary-operator --timeout=5m

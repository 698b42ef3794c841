# shellcheck shell=bash
# Part of e2e/cluster.sh, sourced by it: NetworkPolicy enforcement on the real node, by
# kube-router's network-policy controller (iptables + ipset) built from its Go module, with its
# pod routing, CNI and service proxy off: the bridge CNI and kube-proxy keep doing those.
# Why kube-router: this kernel has no nftables `queue` statement, so kube-network-policies (kind's
# enforcer) cannot load its dataplane (../shared/notes/local-cluster.md). kube-router v2.1.0 is the
# only version the module proxy serves here and has reported security flaws: acceptable as a part
# of this closed test cluster only (e2e/README.md). Pods on KWOK nodes are simulated: nothing to
# enforce there.
# Its settings (paths, addresses, versions) are cluster.sh's globals.
# shellcheck disable=SC2154

ensure_kube_router() {
  go_install_tool "$KUBE_ROUTER_BIN" "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$KUBE_ROUTER_VERSION" \
    "enforces NetworkPolicy on the real node"
}

start_netpol() {
  ensure_kube_router
  start_proc kube-router "$KUBE_ROUTER_BIN/kube-router" \
    --kubeconfig "$KUBECONFIG_ADMIN" --hostname-override "$NODE_NAME" \
    --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false \
    --service-cluster-ip-range "$SERVICE_CIDR" --health-port "$KUBE_ROUTER_HEALTH_PORT" \
    --iptables-sync-period 1m
}

netpol_ready() {
  curl -sf "http://127.0.0.1:$KUBE_ROUTER_HEALTH_PORT/healthz" >/dev/null \
    && iptables -w -S KUBE-ROUTER-FORWARD >/dev/null 2>&1
}

# Its ipsets go with the cluster (cluster.sh down), after teardown_network removed its iptables
# chains (every KUBE-* chain) that use them, so a later `up` starts clean. Not
# `kube-router --cleanup-config`: v2.1.0 crashes in its service-proxy cleanup when IPVS is absent.
teardown_netpol() {
  local set
  command -v ipset >/dev/null || return 0
  for set in $(ipset list -n 2>/dev/null | grep -E '^(KUBE-|kube-router)' || true); do
    ipset destroy "$set" 2>/dev/null || log "could not destroy ipset $set"
  done
}

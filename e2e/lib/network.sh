# shellcheck shell=bash
# Part of e2e/cluster.sh, sourced by it: The host bridge the pods live on, and its firewall.
# Its settings (paths, addresses, versions) are cluster.sh's globals.
# shellcheck disable=SC2154

setup_network() {
  sysctl -qw net.ipv4.ip_forward=1
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || log "warning: br_netfilter sysctl not available"
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    log "creating bridge $BRIDGE ($NODE_IP on $POD_CIDR)"
    ip link add "$BRIDGE" type bridge
  fi
  ip addr show dev "$BRIDGE" | grep "inet $NODE_IP/" >/dev/null || ip addr add "$NODE_IP/${POD_CIDR#*/}" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # Service ClusterIPs are virtual (kube-proxy DNATs them). Route the range onto our bridge,
  # so a packet to an unassigned ClusterIP dies here instead of leaving through the default route.
  ip route replace "$SERVICE_CIDR" dev "$BRIDGE" src "$NODE_IP"
  # Pods may talk to each other, to services and to this host; nothing they send is forwarded
  # anywhere else (this machine's network is closed, and other addresses are not ours).
  iptables -w -N "$FWD_CHAIN" 2>/dev/null || true
  iptables -w -F "$FWD_CHAIN"
  iptables -w -A "$FWD_CHAIN" -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
  iptables -w -A "$FWD_CHAIN" -s "$POD_CIDR" -j REJECT --reject-with icmp-net-prohibited
  iptables -w -A "$FWD_CHAIN" -d "$POD_CIDR" -j REJECT --reject-with icmp-net-prohibited
  iptables -w -C FORWARD -j "$FWD_CHAIN" 2>/dev/null || iptables -w -I FORWARD 1 -j "$FWD_CHAIN"
}

teardown_network() {
  if [ -x "$BIN/kube-proxy" ]; then
    "$BIN/kube-proxy" --cleanup >>"$LOGS/kube-proxy-cleanup.log" 2>&1 || true
  fi
  # chains the kubelet made (KUBE-FIREWALL, canaries) and any kube-proxy left behind
  local t c rule
  for t in filter nat mangle; do
    while read -r rule; do
      if [ -n "$rule" ]; then
        eval "iptables -w -t $t ${rule/#-A/-D}" 2>/dev/null || true
      fi
    done < <(iptables -w -t $t -S 2>/dev/null | grep -E '^-A .* -j KUBE-' || true)
    for c in $(iptables -w -t $t -S 2>/dev/null | awk '/^-N KUBE-/ { print $2 }'); do
      iptables -w -t $t -F "$c" 2>/dev/null || true
    done
    for c in $(iptables -w -t $t -S 2>/dev/null | awk '/^-N KUBE-/ { print $2 }'); do
      iptables -w -t $t -X "$c" 2>/dev/null || true
    done
  done
  while iptables -w -D FORWARD -j "$FWD_CHAIN" 2>/dev/null; do :; done
  iptables -w -F "$FWD_CHAIN" 2>/dev/null || true
  iptables -w -X "$FWD_CHAIN" 2>/dev/null || true
  ip route del "$SERVICE_CIDR" dev "$BRIDGE" 2>/dev/null || true
  if ip link show "$BRIDGE" >/dev/null 2>&1; then
    log "deleting bridge $BRIDGE"
    ip link del "$BRIDGE" || true
  fi
}

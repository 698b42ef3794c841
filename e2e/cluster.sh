#!/usr/bin/env bash
# Local Kubernetes cluster for Tributary's end-to-end tests, built from upstream sources.
#
#   e2e/cluster.sh up       bring everything up (idempotent), wait for the real node
#   e2e/cluster.sh down     stop what this script started, clean mounts/network/state
#                           (keeps caches: binaries, base image, containerd images, jars)
#   e2e/cluster.sh status   what runs, kubeconfig, Kafka bootstrap
#   e2e/cluster.sh images   build the operator and runtime images, import them into the node
#   e2e/cluster.sh env      print `export KUBECONFIG=... KAFKA_BOOTSTRAP=... PATH=...`
#   e2e/cluster.sh selftest run pods that prove the cluster works (image, API, DNS, Kafka, GPU)
#   e2e/cluster.sh build    only build/cached binaries
#
# See e2e/README.md. Needs root (kubelet, containerd, iptables, mounts).
set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E_DIR/.." && pwd)
MODDIR=$E2E_DIR/cluster
STATE=${TRIBUTARY_E2E_STATE:-$E2E_DIR/.state}
CACHE=${TRIBUTARY_E2E_CACHE:-$ROOT/.cache}

gomod_version() { # <go.mod> <module path>
  awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1"
}
K8S_VERSION=$(gomod_version "$MODDIR/go.mod" k8s.io/kubernetes)
KWOK_VERSION=$(gomod_version "$MODDIR/kwok/go.mod" sigs.k8s.io/kwok)
CRICTL_VERSION=$(gomod_version "$MODDIR/crictl/go.mod" sigs.k8s.io/cri-tools)
COREDNS_VERSION=$(gomod_version "$MODDIR/coredns/go.mod" github.com/coredns/coredns)
KAFKA_VERSION=${TRIBUTARY_KAFKA_VERSION:-4.4.0}
BIN=$CACHE/cluster-bin/$K8S_VERSION
KWOK_BIN=$CACHE/cluster-bin/kwok-$KWOK_VERSION
CRICTL_BIN=$CACHE/cluster-bin/crictl-$CRICTL_VERSION
COREDNS_BIN=$CACHE/cluster-bin/coredns-$COREDNS_VERSION

LOGS=$STATE/logs
PIDS=$STATE/pids
PKI=$STATE/pki
CONF=$STATE/conf
RUN=$STATE/run
KUBECONFIG_ADMIN=$STATE/kubeconfig

NODE_NAME=tributary-e2e-node
BRIDGE=trib0
NODE_IP=10.244.0.1          # bridge gateway: node IP, API server advertise address, Kafka
POD_CIDR=10.244.0.0/16      # private, on our bridge only
POD_RANGE_START=10.244.0.10
POD_RANGE_END=10.244.3.254
KWOK_POD_CIDR=10.244.128.1/17   # fake pod IPs on KWOK nodes: inside our bridge's subnet
KWOK_NODE_IP=10.244.255.254
SERVICE_CIDR=10.96.0.0/16
KUBERNETES_SVC_IP=10.96.0.1
CLUSTER_DNS_IP=10.96.0.10      # Service kube-system/kube-dns -> CoreDNS on $NODE_IP:53
CLUSTER_DOMAIN=cluster.local
API_PORT=6443
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=19093   # on $NODE_IP: stays clear of a test broker on localhost
KAFKA_BOOTSTRAP=$NODE_IP:$KAFKA_PORT
SANDBOX_IMAGE=docker.io/tributary/pause:1
JRE_BASE_IMAGE=tributary/jre-base:17
CONTAINERD_SOCK=$RUN/containerd.sock
FWD_CHAIN=TRIBUTARY-E2E-FWD

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (kubelet, containerd, iptables, mounts)"; }

kubectl_() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }

# wait_for <description> <timeout seconds> <command...>
wait_for() {
  local what=$1 timeout=$2 start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS - start >= timeout )); then
      die "timed out after ${timeout}s waiting for $what (logs: $LOGS)"
    fi
    sleep 1
  done
}

# ---------------------------------------------------------------- processes (pid files)

proc_start_time() { # <pid>: start time in clock ticks since boot (field 22 of /proc/<pid>/stat)
  sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $20 }'
}

# pid_alive <name>: the process this script started under that name still runs. The pid file
# holds "<pid> <start time>", so a pid reused by another process (after a reboot) never counts.
pid_alive() {
  local f=$PIDS/$1.pid pid start
  [ -f "$f" ] || return 1
  read -r pid start <"$f" || true
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ -z "$start" ] || [ "$(proc_start_time "$pid")" = "$start" ]
}

pid_of() { local pid _; read -r pid _ <"$PIDS/$1.pid"; echo "$pid"; }

# start_proc <name> <command...>: run in the background in its own session, log to
# $LOGS/<name>.log, remember the pid. A no-op if that process still runs.
start_proc() {
  local name=$1
  shift
  if pid_alive "$name"; then
    log "$name already running (pid $(pid_of "$name"))"
    return 0
  fi
  log "starting $name"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo "$! $(proc_start_time $!)" >"$PIDS/$name.pid"
}

# stop_proc <name> [grace seconds]: TERM, then KILL, the process we started.
stop_proc() {
  local name=$1 grace=${2:-15} f=$PIDS/$1.pid pid i
  [ -f "$f" ] || return 0
  pid=$(pid_of "$name")
  if pid_alive "$name"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 5; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop in ${grace}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  rm -f "$f"
}

# stop_procs <grace seconds> <name...>: stop several at once
stop_procs() {
  local grace=$1 n
  shift
  for n in "$@"; do stop_proc "$n" "$grace" & done
  wait
}

# ---------------------------------------------------------------- host packages

ensure_packages() {
  local -a missing=()
  local pair cmd pkg
  for pair in containerd:containerd runc:runc /usr/lib/cni/bridge:containernetworking-plugins \
    iptables:iptables conntrack:conntrack dockerd:docker.io debootstrap:debootstrap \
    socat:socat ethtool:ethtool openssl:openssl gcc:gcc /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev \
    java:openjdk-17-jre-headless mvn:maven ip:iproute2 ss:iproute2 sysctl:procps curl:curl; do
    cmd=${pair%%:*} pkg=${pair#*:}
    if [[ $cmd == /* ]]; then [ -e "$cmd" ] && continue; else command -v "$cmd" >/dev/null 2>&1 && continue; fi
    missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >>"$LOGS/apt.log" 2>&1; then
    log "apt-get install failed; running apt-get update once and retrying"
    apt-get update >>"$LOGS/apt.log" 2>&1
    apt-get install -y --no-install-recommends "${missing[@]}" >>"$LOGS/apt.log" 2>&1 \
      || die "apt-get install ${missing[*]} failed (see $LOGS/apt.log)"
  fi
}

# ---------------------------------------------------------------- binaries

k8s_ldflags() {
  local v=$K8S_VERSION minor
  minor=$(echo "$v" | cut -d. -f2)
  # the module proxy's timestamp of the release stands in for the build date
  local date flags="-s -w" pkg
  date=$(cd "$MODDIR" && GOFLAGS=-mod=mod go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes 2>/dev/null) \
    || date=1970-01-01T00:00:00Z
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitCommit=go-module-$v -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date"
  done
  echo "$flags"
}

build_binaries() {
  command -v go >/dev/null || die "go is needed to build the cluster binaries"
  mkdir -p "$BIN" "$KWOK_BIN" "$CRICTL_BIN" "$COREDNS_BIN" "$LOGS"
  local -a want=()
  local c
  for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
    [ -x "$BIN/$c" ] || want+=("k8s.io/kubernetes/cmd/$c")
  done
  export GOFLAGS=-mod=mod CGO_ENABLED=0
  if [ ${#want[@]} -gt 0 ]; then
    log "building ${want[*]##*/} ($K8S_VERSION) - cold builds take a while on 2 cores"
    local tmp
    tmp=$(mktemp -d "$BIN/.build.XXXXXX")
    (cd "$MODDIR" && go build -trimpath -ldflags="$(k8s_ldflags)" -o "$tmp/" "${want[@]}") \
      >>"$LOGS/build.log" 2>&1 || die "go build failed (see $LOGS/build.log)"
    mv "$tmp"/* "$BIN/" && rmdir "$tmp"
  fi
  if [ ! -x "$BIN/etcd" ]; then
    log "building etcd (go.etcd.io/etcd/server/v3, the version k8s.io/kubernetes $K8S_VERSION uses)"
    (cd "$MODDIR" && go build -trimpath -ldflags="-s -w" -o "$BIN/etcd.tmp" ./cmd/etcd) \
      >>"$LOGS/build.log" 2>&1 || die "go build etcd failed (see $LOGS/build.log)"
    mv "$BIN/etcd.tmp" "$BIN/etcd"
  fi
  if [ ! -x "$KWOK_BIN/kwok" ]; then
    log "building kwok $KWOK_VERSION"
    (cd "$MODDIR/kwok" && go build -trimpath -ldflags="-s -w" -o "$KWOK_BIN/kwok.tmp" sigs.k8s.io/kwok/cmd/kwok) \
      >>"$LOGS/build.log" 2>&1 || die "go build kwok failed (see $LOGS/build.log)"
    mv "$KWOK_BIN/kwok.tmp" "$KWOK_BIN/kwok"
  fi
  if [ ! -x "$CRICTL_BIN/crictl" ]; then
    log "building crictl $CRICTL_VERSION"
    (cd "$MODDIR/crictl" && go build -trimpath -ldflags="-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" \
      -o "$CRICTL_BIN/crictl.tmp" sigs.k8s.io/cri-tools/cmd/crictl) \
      >>"$LOGS/build.log" 2>&1 || die "go build crictl failed (see $LOGS/build.log)"
    mv "$CRICTL_BIN/crictl.tmp" "$CRICTL_BIN/crictl"
  fi
  if [ ! -x "$COREDNS_BIN/coredns" ]; then
    log "building coredns $COREDNS_VERSION (kubernetes plugin only)"
    (cd "$MODDIR/coredns" && go build -trimpath -ldflags="-s -w" -o "$COREDNS_BIN/coredns.tmp" .) \
      >>"$LOGS/build.log" 2>&1 || die "go build coredns failed (see $LOGS/build.log)"
    mv "$COREDNS_BIN/coredns.tmp" "$COREDNS_BIN/coredns"
  fi
}

crictl_() { "$CRICTL_BIN/crictl" --config "$CONF/crictl.yaml" "$@"; }
ctr_() { ctr --address "$CONTAINERD_SOCK" -n k8s.io "$@"; }

# ---------------------------------------------------------------- host network

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

# ---------------------------------------------------------------- certificates

ca_sign() { # <name> <subject> <extensions>
  local name=$1 subj=$2 ext=$3
  [ -f "$PKI/$name.crt" ] && return 0
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key" 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  printf '%b\n' "$ext" >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

setup_pki() {
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  if [ ! -f "$PKI/ca.crt" ]; then
    log "creating certificates in $PKI"
    openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key" 2>/dev/null
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=tributary-e2e-ca" -days 3650 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$PKI/ca.crt" 2>/dev/null
  fi
  local client='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'
  local server='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth'
  ca_sign etcd-server "/CN=etcd" "$server\nsubjectAltName=IP:127.0.0.1,DNS:localhost"
  ca_sign apiserver-etcd-client "/CN=kube-apiserver-etcd-client" "$client"
  ca_sign apiserver "/CN=kube-apiserver" "$server\nsubjectAltName=IP:127.0.0.1,IP:$NODE_IP,IP:$KUBERNETES_SVC_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  ca_sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
  ca_sign admin "/O=system:masters/CN=tributary-e2e-admin" "$client"
  ca_sign controller-manager "/CN=system:kube-controller-manager" "$client"
  ca_sign scheduler "/CN=system:kube-scheduler" "$client"
  ca_sign kube-proxy "/CN=system:kube-proxy" "$client"
  ca_sign kwok "/O=system:masters/CN=kwok-controller" "$client"
  ca_sign coredns "/O=system:masters/CN=coredns" "$client"
  ca_sign kubelet-client "/O=system:nodes/CN=system:node:$NODE_NAME" "$client"
  ca_sign kubelet-server "/CN=$NODE_NAME" "$server\nsubjectAltName=IP:$NODE_IP,DNS:$NODE_NAME"
  if [ ! -f "$PKI/sa.key" ]; then
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
}

write_kubeconfig() { # <file> <cert name> [server]
  local file=$1 name=$2 server=${3:-https://127.0.0.1:$API_PORT}
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: tributary-e2e
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$name.crt")
    client-key-data: $(base64 -w0 "$PKI/$name.key")
contexts:
- name: tributary-e2e
  context:
    cluster: tributary-e2e
    user: $name
current-context: tributary-e2e
EOF
  chmod 600 "$file"
}

setup_kubeconfigs() {
  mkdir -p "$CONF"
  write_kubeconfig "$KUBECONFIG_ADMIN" admin
  local n
  for n in controller-manager scheduler kube-proxy kwok coredns kubelet-client; do
    write_kubeconfig "$CONF/$n.kubeconfig" "$n"
  done
}

# ---------------------------------------------------------------- control plane

start_etcd() {
  mkdir -p "$STATE/etcd"
  chmod 700 "$STATE/etcd"
  start_proc etcd "$BIN/etcd" --name e2e --data-dir "$STATE/etcd" \
    --listen-client-urls https://127.0.0.1:2379 --advertise-client-urls https://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster e2e=http://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381 \
    --cert-file "$PKI/etcd-server.crt" --key-file "$PKI/etcd-server.key" \
    --trusted-ca-file "$PKI/ca.crt" --client-cert-auth \
    --unsafe-no-fsync --snapshot-count 10000 --log-level warn
}

start_apiserver() {
  start_proc kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers https://127.0.0.1:2379 --etcd-cafile "$PKI/ca.crt" \
    --etcd-certfile "$PKI/apiserver-etcd-client.crt" --etcd-keyfile "$PKI/apiserver-etcd-client.key" \
    --bind-address 0.0.0.0 --secure-port "$API_PORT" --advertise-address "$NODE_IP" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP,Hostname \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --allow-privileged=true --profiling=false --v=1
}

start_controllers() {
  start_proc kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$CONF/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$CONF/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$CONF/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --use-service-account-credentials=true --service-cluster-ip-range "$SERVICE_CIDR" \
    --cluster-name tributary-e2e --v=1
  start_proc kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$CONF/scheduler.kubeconfig" \
    --authentication-kubeconfig "$CONF/scheduler.kubeconfig" \
    --authorization-kubeconfig "$CONF/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --v=1
}

# ---------------------------------------------------------------- node: containerd, pause, kubelet, kube-proxy

write_containerd_config() {
  mkdir -p "$CONF" "$STATE/containerd/root" "$STATE/containerd/state" "$RUN" "$STATE/cni/net.d" "$STATE/cni/ipam"
  cat >"$CONF/containerd.toml" <<EOF
version = 2
root = "$STATE/containerd/root"
state = "$STATE/containerd/state"

[grpc]
  address = "$CONTAINERD_SOCK"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$SANDBOX_IMAGE"
  enable_selinux = false
  # This VM withholds CAP_SYS_RESOURCE even from root, so a process may not lower its
  # oom_score_adj: runc failed on the kubelet's -998 for sandboxes ("failed to update
  # /proc/self/oom_score_adj: Permission denied"). Clamp to containerd's own score instead.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
    max_conf_num = 1
EOF
  cat >"$STATE/cni/net.d/10-tributary.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "tributary-e2e",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$STATE/cni/ipam",
        "ranges": [[{ "subnet": "$POD_CIDR", "rangeStart": "$POD_RANGE_START", "rangeEnd": "$POD_RANGE_END", "gateway": "$NODE_IP" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
}

start_containerd() {
  write_containerd_config
  printf 'runtime-endpoint: unix://%s\nimage-endpoint: unix://%s\ntimeout: 10\n' "$CONTAINERD_SOCK" "$CONTAINERD_SOCK" >"$CONF/crictl.yaml"
  start_proc containerd containerd --config "$CONF/containerd.toml" --log-level warn
  wait_for "containerd" 60 ctr --address "$CONTAINERD_SOCK" version
}

ensure_pause_image() {
  ctr_ images ls -q 2>/dev/null | grep -x "$SANDBOX_IMAGE" >/dev/null && return 0
  log "building the pause image $SANDBOX_IMAGE (static C program, imported into containerd)"
  local work
  work=$(mktemp -d "$STATE/pause.XXXXXX")
  mkdir -p "$work/rootfs" "$work/blobs"
  gcc -static -O2 -s -o "$work/rootfs/pause" "$MODDIR/pause/pause.c"
  # An OCI image layout archive built by hand: one layer holding /pause.
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/rootfs" -cf "$work/layer.tar" pause
  local layer_sha layer_size config_sha config_size manifest_sha manifest_size
  layer_sha=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  layer_size=$(stat -c %s "$work/layer.tar")
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"e2e/cluster.sh pause.c"}]}' \
    "$layer_sha" >"$work/config.json"
  config_sha=$(sha256sum "$work/config.json" | cut -d' ' -f1)
  config_size=$(stat -c %s "$work/config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$config_sha" "$config_size" "$layer_sha" "$layer_size" >"$work/manifest.json"
  manifest_sha=$(sha256sum "$work/manifest.json" | cut -d' ' -f1)
  manifest_size=$(stat -c %s "$work/manifest.json")
  mkdir -p "$work/oci/blobs/sha256"
  cp "$work/layer.tar" "$work/oci/blobs/sha256/$layer_sha"
  cp "$work/config.json" "$work/oci/blobs/sha256/$config_sha"
  cp "$work/manifest.json" "$work/oci/blobs/sha256/$manifest_sha"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"1"}}]}' \
    "$manifest_sha" "$manifest_size" "$SANDBOX_IMAGE" >"$work/oci/index.json"
  tar -C "$work/oci" -cf "$work/pause.tar" oci-layout index.json blobs
  ctr_ images import --all-platforms "$work/pause.tar" >>"$LOGS/images.log" 2>&1 \
    || die "importing the pause image failed (see $LOGS/images.log)"
  rm -rf "$work"
  ctr_ images ls -q | grep -x "$SANDBOX_IMAGE" >/dev/null || die "pause image $SANDBOX_IMAGE missing after import"
}

start_kubelet() {
  mkdir -p "$STATE/kubelet" "$CONF"
  # The "upstream" resolv.conf for pods (dnsPolicy Default, and what ClusterFirst builds on):
  # our CoreDNS, which answers only $CLUSTER_DOMAIN, never the host's resolver.
  printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$NODE_IP" >"$CONF/pod-resolv.conf"
  cat >"$CONF/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
imageServiceEndpoint: unix://$CONTAINERD_SOCK
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $PKI/kubelet-server.crt
tlsPrivateKeyFile: $PKI/kubelet-server.key
address: $NODE_IP
port: 10250
healthzBindAddress: 127.0.0.1
healthzPort: 10248
readOnlyPort: 0
resolvConf: $CONF/pod-resolv.conf
clusterDNS: [$CLUSTER_DNS_IP]
clusterDomain: $CLUSTER_DOMAIN
failSwapOn: false
serializeImagePulls: false
maxPods: 110
evictionHard:
  memory.available: "100Mi"
  nodefs.available: "1%"
  imagefs.available: "1%"
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
nodeStatusReportFrequency: 10s
podLogsDir: $STATE/pod-logs
registerNode: true
EOF
  start_proc kubelet "$BIN/kubelet" --config "$CONF/kubelet.yaml" \
    --kubeconfig "$CONF/kubelet-client.kubeconfig" --root-dir "$STATE/kubelet" \
    --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
    --node-labels "topology.kubernetes.io/region=me-central-1,tributary.io/pool=cpu-standard,tributary.io/node-kind=real" \
    --v=1
}

start_kube_proxy() {
  cat >"$CONF/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $CONF/kube-proxy.kubeconfig
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
bindAddress: 0.0.0.0
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
nodePortAddresses: ["$NODE_IP/32"]
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
  start_proc kube-proxy "$BIN/kube-proxy" --config "$CONF/kube-proxy.yaml" --v=1
}

# ---------------------------------------------------------------- cluster DNS (CoreDNS on the host)

start_coredns() {
  cat >"$CONF/Corefile" <<EOF
$CLUSTER_DOMAIN:53 in-addr.arpa:53 ip6.arpa:53 {
    bind $NODE_IP
    ready 127.0.0.1:18181
    health 127.0.0.1:18080
    errors
    cache 5
    kubernetes $CLUSTER_DOMAIN in-addr.arpa ip6.arpa {
        kubeconfig $CONF/coredns.kubeconfig tributary-e2e
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 5
    }
}
EOF
  start_proc coredns "$COREDNS_BIN/coredns" -conf "$CONF/Corefile"
  # the Service pods are told about (clusterDNS), backed by CoreDNS on the node address
  kubectl_ apply -f - >>"$LOGS/coredns.log" 2>&1 <<EOF || die "creating the kube-dns Service failed (see $LOGS/coredns.log)"
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns, kubernetes.io/name: CoreDNS}
spec:
  clusterIP: $CLUSTER_DNS_IP
  ports:
  - {name: dns, port: 53, protocol: UDP, targetPort: 53}
  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kube-dns-host
  namespace: kube-system
  labels: {kubernetes.io/service-name: kube-dns, endpointslice.kubernetes.io/managed-by: tributary-e2e-cluster}
addressType: IPv4
endpoints:
- addresses: ["$NODE_IP"]
  conditions: {ready: true}
ports:
- {name: dns, port: 53, protocol: UDP}
- {name: dns-tcp, port: 53, protocol: TCP}
EOF
}

# ---------------------------------------------------------------- KWOK fake nodes

kwok_nodes_yaml() {
  local i
  node() { # <name> <region> <pool> <extra labels yaml> <taints yaml> <extra capacity yaml>
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $1
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: $1
    topology.kubernetes.io/region: $2
    tributary.io/pool: $3
    tributary.io/node-kind: kwok
$4
spec:
  taints:
$5
status:
  capacity: &cap
    cpu: "16"
    memory: 64Gi
    pods: "110"
    ephemeral-storage: 200Gi
$6
  allocatable: *cap
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: fake
    kubeProxyVersion: fake
EOF
  }
  local fake_taint='  - {key: kwok.x-k8s.io/node, value: fake, effect: NoSchedule}'
  for i in 1 2 3; do
    node "kwok-cpu-me-$i" me-central-1 cpu-standard "" "$fake_taint" ""
  done
  for i in 1 2; do
    node "kwok-cpu-eu-$i" eu-west-1 cpu-eu "" "$fake_taint" ""
  done
  for i in 1 2; do
    node "kwok-gpu-me-$i" me-central-1 gpu-a100 "    nvidia.com/gpu.product: A100
    nvidia.com/gpu.count: \"4\"" \
      '  - {key: nvidia.com/gpu, value: present, effect: NoSchedule}' '    nvidia.com/gpu: "4"'
  done
}

start_kwok() {
  start_proc kwok "$KWOK_BIN/kwok" --kubeconfig "$CONF/kwok.kubeconfig" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --cidr "$KWOK_POD_CIDR" --node-ip "$KWOK_NODE_IP" --node-lease-duration-seconds 40 \
    --server-address 127.0.0.1:10247
  kwok_nodes_yaml >"$CONF/kwok-nodes.yaml"
  kubectl_ apply -f "$CONF/kwok-nodes.yaml" >>"$LOGS/kwok-nodes.log" 2>&1 \
    || die "creating KWOK nodes failed (see $LOGS/kwok-nodes.log)"
}

# ---------------------------------------------------------------- Kafka (KRaft, from Maven Central jars)

ensure_kafka_jars() {
  local dir=$CACHE/kafka/$KAFKA_VERSION
  [ -f "$dir/.complete" ] && return 0
  rm -rf "$dir/libs"
  log "resolving Kafka $KAFKA_VERSION jars from Maven Central (throwaway pom in $dir)"
  mkdir -p "$dir"
  cat >"$dir/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by e2e/cluster.sh: only resolves the Kafka broker's jars. Not part of the build. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>tributary.e2e</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-server</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.17</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>2.0.17</version></dependency>
  </dependencies>
</project>
EOF
  (cd "$dir" && mvn -B -q dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir/libs") \
    >>"$LOGS/kafka-jars.log" 2>&1 || die "resolving Kafka jars failed (see $LOGS/kafka-jars.log)"
  # log4j's slf4j bindings would compete with slf4j-simple
  rm -f "$dir"/libs/log4j-slf4j*-impl-*.jar "$dir"/libs/slf4j-reload4j-*.jar
  touch "$dir/.complete"
}

KAFKA_JAVA=(java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true
  -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.showDateTime=true
  "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ"
  -cp "$CACHE/kafka/$KAFKA_VERSION/libs/*")

kafka_java() { # <main class> <args...>
  "${KAFKA_JAVA[@]}" "$@"
}

start_kafka() {
  pid_alive kafka && { log "kafka already running (pid $(pid_of kafka))"; return 0; }
  ensure_kafka_jars
  local dir=$STATE/kafka
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$NODE_IP:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$NODE_IP:$KAFKA_PORT,CONTROLLER://$NODE_IP:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_BOOTSTRAP
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  if [ ! -f "$dir/data/meta.properties" ]; then
    log "formatting Kafka storage (KRaft)"
    kafka_java kafka.tools.StorageTool format -t "$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
      -c "$dir/server.properties" >>"$LOGS/kafka.log" 2>&1 || die "kafka storage format failed (see $LOGS/kafka.log)"
  fi
  start_proc kafka "${KAFKA_JAVA[@]}" kafka.Kafka "$dir/server.properties"
}

kafka_ready() {
  kafka_java org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "$KAFKA_BOOTSTRAP" >/dev/null 2>&1
}

# ---------------------------------------------------------------- docker + images

ensure_dockerd() {
  if docker info >/dev/null 2>&1; then return 0; fi
  command -v dockerd >/dev/null || die "dockerd missing (Debian package docker.io)"
  start_proc dockerd dockerd --pidfile "$RUN/dockerd.pid"
  wait_for "dockerd" 60 docker info
}

ensure_jre_base_image() {
  ensure_dockerd
  docker image inspect "$JRE_BASE_IMAGE" >/dev/null 2>&1 && return 0
  local dir=$CACHE/jre-base tar=$CACHE/jre-base/rootfs-bookworm-jre17.tar
  mkdir -p "$dir"
  if [ ! -f "$tar" ]; then
    log "debootstrap bookworm + openjdk-17-jre-headless (once; ~2 min)"
    rm -rf "$dir/rootfs.tmp"
    debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm \
      "$dir/rootfs.tmp" http://deb.debian.org/debian >>"$LOGS/debootstrap.log" 2>&1 \
      || die "debootstrap failed (see $LOGS/debootstrap.log)"
    rm -rf "$dir/rootfs.tmp/var/cache/apt/archives/"*.deb "$dir/rootfs.tmp/var/lib/apt/lists/"*
    tar -C "$dir/rootfs.tmp" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$dir/rootfs.tmp"
  fi
  log "docker import $JRE_BASE_IMAGE"
  docker import -c 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' -c 'CMD ["java","-version"]' \
    "$tar" "$JRE_BASE_IMAGE" >>"$LOGS/images.log" 2>&1 || die "docker import failed"
}

# import_image <tag>: docker save | ctr import into the node's containerd (k8s.io namespace)
import_image() {
  log "importing $1 into the node's containerd"
  docker save "$1" | ctr_ images import - >>"$LOGS/images.log" 2>&1 || die "import of $1 failed (see $LOGS/images.log)"
}

# build_image <tag> <dockerfile> <context>
build_image() {
  log "docker build $1 ($2)"
  docker build -f "$2" --build-arg "BASE_IMAGE=$JRE_BASE_IMAGE" -t "$1" "$3" 2>&1 | tee -a "$LOGS/images.log" >&2 \
    || die "docker build of $1 failed"
  [ "${PIPESTATUS[0]}" = 0 ] || die "docker build of $1 failed"
  import_image "$1"
}

cmd_images() {
  need_root
  mkdir -p "$LOGS" "$PIDS" "$RUN"
  pid_alive containerd || die "the cluster is not up (e2e/cluster.sh up)"
  ensure_jre_base_image
  local built=0
  if [ -n "${IMAGES_DOCKERFILE:-}" ]; then   # for trying the pipeline with another Dockerfile
    build_image "${IMAGES_TAG:-tributary/test:dev}" "$IMAGES_DOCKERFILE" "${IMAGES_CONTEXT:-$(dirname "$IMAGES_DOCKERFILE")}"
    return 0
  fi
  if [ -f "$ROOT/Dockerfile" ]; then
    build_image tributary/operator:dev "$ROOT/Dockerfile" "$ROOT"
    built=$((built + 1))
  else
    log "no Dockerfile at the repository root yet: skipping tributary/operator:dev"
  fi
  if [ -f "$ROOT/runtime-image/Dockerfile" ]; then
    build_image tributary/runtime:dev "$ROOT/runtime-image/Dockerfile" "$ROOT/runtime-image"
    built=$((built + 1))
  else
    log "no runtime-image/Dockerfile yet: skipping tributary/runtime:dev"
  fi
  log "$built image(s) built and imported; use imagePullPolicy IfNotPresent or Never"
}

# ---------------------------------------------------------------- selftest

SELFTEST_NS=tributary-e2e-selftest

selftest_pods() {
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: java-version, namespace: $SELFTEST_NS}
spec:
  restartPolicy: Never
  nodeSelector: {tributary.io/node-kind: real}
  containers:
  - name: java
    image: tributary/e2e-selftest:dev
    imagePullPolicy: Never
    command: ["java", "-version"]
---
apiVersion: v1
kind: Pod
metadata: {name: reach, namespace: $SELFTEST_NS}
spec:
  restartPolicy: Never
  nodeSelector: {tributary.io/node-kind: real}
  volumes:
  - {name: bin, hostPath: {path: "$BIN", type: Directory}}
  - {name: kafka, hostPath: {path: "$CACHE/kafka/$KAFKA_VERSION/libs", type: Directory}}
  containers:
  - name: check
    image: tributary/e2e-selftest:dev
    imagePullPolicy: Never
    command: ["/usr/local/bin/check.sh"]
    env:
    - {name: KAFKA_HOST, value: "$NODE_IP"}
    - {name: KAFKA_PORT, value: "$KAFKA_PORT"}
    - {name: HTTP_SERVICE, value: "web.$SELFTEST_NS.svc.$CLUSTER_DOMAIN:80"}
    volumeMounts:
    - {name: bin, mountPath: /hostbin, readOnly: true}
    - {name: kafka, mountPath: /kafka, readOnly: true}
---
# a pod behind a Service: CoreDNS's health endpoint (static binary from the host cache)
# is the smallest HTTP server at hand
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: $SELFTEST_NS, labels: {app: web}}
spec:
  nodeSelector: {tributary.io/node-kind: real}
  volumes:
  - {name: coredns, hostPath: {path: "$COREDNS_BIN", type: Directory}}
  containers:
  - name: web
    image: tributary/e2e-selftest:dev
    imagePullPolicy: Never
    command: ["bash", "-c", "printf '.:1053 {\\n  health :8080\\n}\\n' >/tmp/Corefile && exec /coredns/coredns -conf /tmp/Corefile"]
    ports: [{containerPort: 8080}]
    readinessProbe: {httpGet: {path: /health, port: 8080}, periodSeconds: 1}
    volumeMounts:
    - {name: coredns, mountPath: /coredns, readOnly: true}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: $SELFTEST_NS}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: gpu, namespace: $SELFTEST_NS}
spec:
  tolerations:
  - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
  nodeSelector: {tributary.io/pool: gpu-a100, topology.kubernetes.io/region: me-central-1}
  containers:
  - name: train
    image: tributary/e2e-selftest:dev
    imagePullPolicy: Never
    resources:
      limits: {nvidia.com/gpu: 1}
EOF
}

# selftest: the checks that prove the cluster works, as pods: a locally built image runs
# on the real node; a pod reaches the API server, cluster DNS and Kafka; a GPU pod lands
# on a KWOK GPU node. Prints "N passed, N failed".
cmd_selftest() {
  need_root
  pid_alive kubelet || die "the cluster is not up (e2e/cluster.sh up)"
  local passed=0 failed=0 node
  pod_done() { # <pod>: waits until the pod has finished, then succeeds if it Succeeded
    local phase start=$SECONDS
    while (( SECONDS - start < 240 )); do
      phase=$(kubectl_ -n "$SELFTEST_NS" get pod "$1" -o jsonpath='{.status.phase}' 2>/dev/null || true)
      case "$phase" in Succeeded) return 0 ;; Failed) return 1 ;; esac
      sleep 1
    done
    return 1
  }
  check() { # <description> <command...>
    local what=$1
    shift
    if "$@"; then passed=$((passed + 1)); log "PASS $what"; else failed=$((failed + 1)); log "FAIL $what"; fi
  }
  ensure_jre_base_image
  build_image tributary/e2e-selftest:dev "$MODDIR/selftest/Dockerfile" "$MODDIR/selftest" >/dev/null 2>&1
  kubectl_ delete namespace "$SELFTEST_NS" --ignore-not-found --wait=true >/dev/null
  kubectl_ create namespace "$SELFTEST_NS" >/dev/null
  wait_for "the default ServiceAccount in $SELFTEST_NS" 60 kubectl_ -n "$SELFTEST_NS" get serviceaccount default
  selftest_pods | kubectl_ apply -f - >/dev/null
  check "java -version in a locally built image on the real node" \
    pod_done java-version
  kubectl_ -n "$SELFTEST_NS" logs java-version 2>&1 | sed 's/^/    /' >&2 || true
  check "pod reaches the API server (kubernetes Service), cluster DNS, a pod behind a Service, and Kafka" \
    pod_done reach
  kubectl_ -n "$SELFTEST_NS" logs reach 2>&1 | sed 's/^/    /' >&2 || true
  check "GPU pod (toleration + nvidia.com/gpu) is Running" \
    kubectl_ -n "$SELFTEST_NS" wait pod/gpu --for=jsonpath='{.status.phase}'=Running --timeout=60s >/dev/null
  node=$(kubectl_ -n "$SELFTEST_NS" get pod gpu -o jsonpath='{.spec.nodeName}')
  check "GPU pod placed on a KWOK GPU node ($node)" [ "${node#kwok-gpu-}" != "$node" ]
  kubectl_ get pods -n "$SELFTEST_NS" -o wide >&2
  kubectl_ delete namespace "$SELFTEST_NS" --wait=false >/dev/null
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
}

# ---------------------------------------------------------------- up / down / status

# preflight: refuse to start over somebody else's cluster (another clone's `up`, say)
preflight() {
  (( ${#CONTAINERD_SOCK} < 100 )) \
    || die "socket path too long for a unix socket: $CONTAINERD_SOCK (set TRIBUTARY_E2E_STATE to a shorter folder)"
  local port name
  for port in $API_PORT:kube-apiserver 2379:etcd 10250:kubelet 10257:kube-controller-manager 10259:kube-scheduler; do
    name=${port#*:} port=${port%%:*}
    pid_alive "$name" && continue
    if ss -Hltn "sport = :$port" 2>/dev/null | grep . >/dev/null; then
      die "port $port (for $name) is already in use by a process this script did not start: $(ss -Hltnp "sport = :$port" | head -1 | grep -o 'users:.*'). Another e2e cluster (from another clone?) must be stopped with its own 'e2e/cluster.sh down' first"
    fi
  done
}

node_ready() {
  [ "$(kubectl_ get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

cmd_up() {
  need_root
  local t0=$SECONDS
  mkdir -p "$STATE" "$LOGS" "$PIDS" "$RUN" "$CONF"
  ensure_packages
  preflight
  build_binaries
  log "binaries ready ($((SECONDS - t0))s)"
  setup_network
  setup_pki
  setup_kubeconfigs
  start_etcd
  wait_for "etcd" 60 curl -sf http://127.0.0.1:2381/health
  start_apiserver
  start_containerd &   # containerd, the pause image and Kafka's jars do not need the API server
  local bg_containerd=$!
  ( ensure_kafka_jars ) &
  local bg_kafka=$!
  wait_for "kube-apiserver" 120 kubectl_ get --raw /readyz
  start_controllers
  start_coredns
  wait "$bg_containerd" || die "containerd failed to start (see $LOGS/containerd.log)"
  ensure_pause_image
  start_kubelet
  wait "$bg_kafka" || die "Kafka jars failed"
  start_kafka
  start_kwok
  wait_for "node $NODE_NAME to register" 120 kubectl_ get node "$NODE_NAME"
  start_kube_proxy
  wait_for "node $NODE_NAME to be Ready" 180 node_ready
  wait_for "Kafka at $KAFKA_BOOTSTRAP" 120 kafka_ready
  wait_for "KWOK nodes to be Ready" 120 bash -c "[ \"\$('$BIN/kubectl' --kubeconfig '$KUBECONFIG_ADMIN' get nodes -l type=kwok -o jsonpath='{.items[*].status.conditions[?(@.type==\"Ready\")].status}')\" = 'True True True True True True True' ]"
  wait_for "the default ServiceAccount" 60 kubectl_ get serviceaccount default -n default
  wait_for "CoreDNS" 60 curl -sf http://127.0.0.1:18181/ready
  ensure_jre_base_image
  log "cluster up in $((SECONDS - t0))s"
  cmd_status
}

cleanup_pods() {
  [ -S "$CONTAINERD_SOCK" ] && pid_alive containerd || return 0
  if [ -x "$CRICTL_BIN/crictl" ]; then
    log "removing pod sandboxes on the node (CNI teardown)"
    crictl_ rmp -a -f >>"$LOGS/down.log" 2>&1 || true
  fi
  # whatever CRI did not clean up
  local t
  for t in $(ctr_ tasks ls -q 2>/dev/null); do
    ctr_ tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true
  done
  sleep 1
  for t in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks delete -f "$t" >/dev/null 2>&1 || true; done
  for t in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers delete "$t" >/dev/null 2>&1 || true; done
}

kill_our_shims() {
  # containerd-shim-runc-v2 processes outlive containerd; ours carry our socket in their argv.
  local pid
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK" 2>/dev/null || true); do
    log "killing leftover shim $pid"
    kill -KILL "$pid" 2>/dev/null || true
  done
}

unmount_state() {
  local m
  # deepest first
  while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
  done < <(awk -v p="$STATE/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r)
}

cmd_down() {
  need_root
  local purge=${1:-}
  mkdir -p "$LOGS" "$PIDS"
  stop_procs 30 kwok kafka kubelet kube-proxy coredns
  cleanup_pods
  stop_proc containerd 15
  kill_our_shims
  stop_procs 20 kube-scheduler kube-controller-manager dockerd
  stop_proc kube-apiserver 20
  stop_proc etcd 15
  unmount_state
  teardown_network
  # the kubelet's /var/log/containers symlinks into our pod log folder
  find /var/log/containers -maxdepth 1 -type l -lname "$STATE/*" -delete 2>/dev/null || true
  # per-run state goes; caches stay (binaries in .cache, containerd's image store, PKI)
  rm -rf "$STATE/etcd" "$STATE/kubelet" "$STATE/kafka" "$STATE/cni/ipam" "$STATE/containerd/state" "$STATE/pod-logs" "$RUN"
  if [ "$purge" = --purge ]; then
    log "purging $STATE"
    rm -rf "$STATE"
  fi
  log "down"
}

cmd_status() {
  local n rc=0
  printf '%-24s %s\n' COMPONENT STATE
  for n in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy coredns kwok kafka dockerd; do
    if pid_alive "$n"; then
      printf '%-24s running (pid %s)\n' "$n" "$(pid_of "$n")"
    else
      if [ "$n" = dockerd ] && docker info >/dev/null 2>&1; then
        printf '%-24s running (not started by this script)\n' "$n"
      else
        printf '%-24s stopped\n' "$n"
        [ "$n" = dockerd ] || rc=1
      fi
    fi
  done
  echo
  echo "Kubernetes:      $K8S_VERSION (kubectl: $BIN/kubectl)"
  echo "KUBECONFIG:      $KUBECONFIG_ADMIN"
  echo "API server:      https://127.0.0.1:$API_PORT (pods: https://$KUBERNETES_SVC_IP:443)"
  echo "Kafka bootstrap: $KAFKA_BOOTSTRAP"
  echo "Cluster DNS:     $CLUSTER_DNS_IP (kube-system/kube-dns -> CoreDNS on $NODE_IP:53), domain $CLUSTER_DOMAIN"
  echo "Logs:            $LOGS/"
  if [ $rc = 0 ] && [ -f "$KUBECONFIG_ADMIN" ]; then
    echo
    kubectl_ get nodes -L topology.kubernetes.io/region,tributary.io/pool 2>/dev/null || true
  fi
  return $rc
}

cmd_env() {
  echo "export KUBECONFIG=$KUBECONFIG_ADMIN"
  echo "export KAFKA_BOOTSTRAP=$KAFKA_BOOTSTRAP"
  echo "export CRI_CONFIG_FILE=$CONF/crictl.yaml"
  echo "export PATH=$BIN:$CRICTL_BIN:\$PATH"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down "${2:-}" ;;
  status) cmd_status ;;
  images) cmd_images ;;
  selftest) cmd_selftest ;;
  env) cmd_env ;;
  build) mkdir -p "$LOGS"; build_binaries ;;
  fn) # debugging aid: run one internal function, e.g. `e2e/cluster.sh fn ensure_kafka_jars`
    shift
    mkdir -p "$LOGS" "$PIDS" "$RUN" "$CONF"
    "$@"
    ;;
  *)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac

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
# shellcheck source-path=SCRIPTDIR
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
CAPI_VERSION=v1.14.2   # sigs.k8s.io/cluster-api: its MachineDeployment and Machine CRDs
TOPOLOGY=$E2E_DIR/topology.conf   # the KWOK node groups: pools, regions, GPUs, taints
PROMETHEUS_VERSION=v0.316.0   # github.com/prometheus/prometheus (Go module versions of Prometheus 3.x)
PROMETHEUS_BIN=$CACHE/cluster-bin/prometheus-$PROMETHEUS_VERSION
PROMETHEUS_ADDR=127.0.0.1:9090
KUBE_ROUTER_VERSION=v2.1.0   # github.com/cloudnativelabs/kube-router/v2: enforces NetworkPolicy (lib/netpol.sh)
KUBE_ROUTER_BIN=$CACHE/cluster-bin/kube-router-$KUBE_ROUTER_VERSION
KUBE_ROUTER_HEALTH_PORT=20244
HELM_VERSION=v3.22.0   # helm.sh/helm/v3: installs the operator's chart (e2e/install-operator.sh)
HELM_BIN=$CACHE/cluster-bin/helm-$HELM_VERSION
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
POSTGRES_PORT=5432            # on $NODE_IP: the samples' databases (lib/databases.sh)
REDIS_PORT=6379               # on $NODE_IP: the samples' online feature store
MQTT_PORT=1883                # on $NODE_IP: Mosquitto, the MQTT broker of source.mqtt (lib/mosquitto.sh)
S3_PORT=8333                  # on $NODE_IP: SeaweedFS's S3 API (lib/seaweedfs.sh); 8334-8336 and 18333-18336 too
S3_ACCESS_KEY=tributary-demo  # the local store's one identity (config/quickstart/demo-secrets.yaml)
S3_SECRET_KEY=demo-only-s3-secret
SANDBOX_IMAGE=docker.io/tributary/pause:1
JRE_BASE_IMAGE=tributary/jre-base:17
CONTAINERD_SOCK=$RUN/containerd.sock
FWD_CHAIN=TRIBUTARY-E2E-FWD

# The parts, by concern. Each only defines functions; nothing runs until the command below.
# shellcheck source=lib/common.sh
. "$E2E_DIR/lib/common.sh"
# shellcheck source=lib/build.sh
. "$E2E_DIR/lib/build.sh"
# shellcheck source=lib/network.sh
. "$E2E_DIR/lib/network.sh"
# shellcheck source=lib/pki.sh
. "$E2E_DIR/lib/pki.sh"
# shellcheck source=lib/control-plane.sh
. "$E2E_DIR/lib/control-plane.sh"
# shellcheck source=lib/node.sh
. "$E2E_DIR/lib/node.sh"
# shellcheck source=lib/kwok.sh
. "$E2E_DIR/lib/kwok.sh"
# shellcheck source=lib/machines.sh
. "$E2E_DIR/lib/machines.sh"
# shellcheck source=lib/prometheus.sh
. "$E2E_DIR/lib/prometheus.sh"
# shellcheck source=lib/netpol.sh
. "$E2E_DIR/lib/netpol.sh"
# shellcheck source=lib/kafka.sh
. "$E2E_DIR/lib/kafka.sh"
# shellcheck source=lib/databases.sh
. "$E2E_DIR/lib/databases.sh"
# shellcheck source=lib/seaweedfs.sh
. "$E2E_DIR/lib/seaweedfs.sh"
# shellcheck source=lib/mosquitto.sh
. "$E2E_DIR/lib/mosquitto.sh"
# shellcheck source=lib/images.sh
. "$E2E_DIR/lib/images.sh"
# shellcheck source=lib/selftest.sh
. "$E2E_DIR/lib/selftest.sh"

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
  ensure_prometheus
  ensure_helm
  ensure_kube_router
  build_weed >/dev/null 2>>"$LOGS/build.log" || die "building SeaweedFS failed (see $LOGS/build.log)"
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
  start_postgres
  start_redis
  start_s3
  start_mosquitto
  start_kwok
  wait_for "node $NODE_NAME to register" 120 kubectl_ get node "$NODE_NAME"
  start_kube_proxy
  wait_for "node $NODE_NAME to be Ready" 180 node_ready
  start_netpol
  wait_for "NetworkPolicy enforcement (kube-router)" 60 netpol_ready
  wait_for "Kafka at $KAFKA_BOOTSTRAP" 120 kafka_ready
  wait_for "PostgreSQL at $NODE_IP:$POSTGRES_PORT" 60 postgres_ready
  seed_demo_data
  wait_for "Redis at $NODE_IP:$REDIS_PORT" 30 redis_ready
  wait_for "S3 (SeaweedFS) at $NODE_IP:$S3_PORT" 120 s3_ready
  s3_buckets
  wait_for "MQTT (Mosquitto) at $NODE_IP:$MQTT_PORT" 30 mosquitto_ready
  wait_for "$(kwok_static_node_count) KWOK nodes of $TOPOLOGY to be Ready" 120 kwok_static_nodes_ready
  setup_machines
  start_prometheus
  wait_for "Prometheus at $PROMETHEUS_ADDR" 60 prometheus_ready
  wait_for "the default ServiceAccount" 60 kubectl_ get serviceaccount default -n default
  platform_services
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
  stop_procs 10 machines prometheus
  stop_procs 30 kwok kafka postgres redis seaweedfs mosquitto kubelet kube-proxy kube-router coredns
  cleanup_pods
  stop_proc containerd 15
  kill_our_shims
  stop_procs 20 kube-scheduler kube-controller-manager dockerd
  stop_proc kube-apiserver 20
  stop_proc etcd 15
  unmount_state
  teardown_network
  teardown_netpol
  # the kubelet's /var/log/containers symlinks into our pod log folder
  find /var/log/containers -maxdepth 1 -type l -lname "$STATE/*" -delete 2>/dev/null || true
  # per-run state goes; caches stay (binaries in .cache, containerd's image store, PKI)
  rm -rf "$STATE/etcd" "$STATE/kubelet" "$STATE/kafka" "$STATE/postgres" "$STATE/redis" "$STATE/seaweedfs" "$STATE/mosquitto" "$STATE/prometheus" "$STATE/cni/ipam" "$STATE/containerd/state" "$STATE/pod-logs" "$RUN"
  if [ "$purge" = --purge ]; then
    log "purging $STATE"
    rm -rf "$STATE"
  fi
  log "down"
}

cmd_status() {
  local n rc=0
  printf '%-24s %s\n' COMPONENT STATE
  for n in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy kube-router coredns kwok machines prometheus kafka postgres redis seaweedfs mosquitto dockerd; do
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
  echo "PostgreSQL:      $NODE_IP:$POSTGRES_PORT (databases crm, ledger, iceberg; pods: postgres.tributary-system.svc)"
  echo "Redis:           $NODE_IP:$REDIS_PORT (pods: redis.tributary-system.svc)"
  echo "S3 (SeaweedFS):  http://$NODE_IP:$S3_PORT, path-style, bucket lake (pods: http://s3.tributary-system.svc:$S3_PORT)"
  echo "Prometheus:      http://$PROMETHEUS_ADDR (scrapes annotated pods on the real node)"
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
  echo "export TRIBUTARY_POSTGRES=$NODE_IP:$POSTGRES_PORT"
  echo "export TRIBUTARY_REDIS=$NODE_IP:$REDIS_PORT"
  echo "export S3_ENDPOINT=http://$NODE_IP:$S3_PORT"
  echo "export TRIBUTARY_MQTT=tcp://$NODE_IP:$MQTT_PORT"
  echo "export S3_ACCESS_KEY=$S3_ACCESS_KEY"
  echo "export S3_SECRET_KEY=$S3_SECRET_KEY"
  echo "export PROMETHEUS_URL=http://$PROMETHEUS_ADDR"
  echo "export CRI_CONFIG_FILE=$CONF/crictl.yaml"
  echo "export PATH=$BIN:$CRICTL_BIN:$HELM_BIN:\$PATH"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down "${2:-}" ;;
  status) cmd_status ;;
  images) cmd_images ;;
  selftest) cmd_selftest ;;
  env) cmd_env ;;
  build) mkdir -p "$LOGS"; build_binaries; ensure_prometheus; ensure_helm; ensure_kube_router; build_weed >/dev/null ;;
  machines-loop) machines_loop ;;   # started by `up` (see e2e/lib/machines.sh)
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

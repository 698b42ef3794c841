# shellcheck shell=bash
# Part of e2e/cluster.sh, sourced by it: Host packages and the cluster binaries, built from Go modules.
# Its settings (paths, addresses, versions) are cluster.sh's globals.
# shellcheck disable=SC2154

ensure_packages() {
  local -a missing=()
  local pair cmd pkg
  for pair in containerd:containerd runc:runc /usr/lib/cni/bridge:containernetworking-plugins \
    iptables:iptables ipset:ipset conntrack:conntrack dockerd:docker.io debootstrap:debootstrap \
    socat:socat ethtool:ethtool openssl:openssl gcc:gcc /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev \
    java:openjdk-17-jre-headless mvn:maven ip:iproute2 ss:iproute2 sysctl:procps curl:curl \
    /usr/lib/postgresql:postgresql psql:postgresql-client redis-server:redis-server redis-cli:redis-tools \
    /usr/sbin/mosquitto:mosquitto; do
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

# go_install_tool <bin dir> <package@version> <why>: a Go command built once from its module
# into a cache folder (`go install`, static), for the tools beside the cluster: helm, prometheus.
go_install_tool() {
  local dir=$1 pkg=$2 why=$3 name=${2%@*}
  name=${name##*/}
  [ -x "$dir/$name" ] && return 0
  log "building $name ${pkg#*@} ($why; once, a few minutes cold)"
  mkdir -p "$dir"
  (cd "$E2E_DIR" && CGO_ENABLED=0 GOFLAGS=-mod=mod GOBIN="$dir" go install "$pkg") \
    >>"$LOGS/build.log" 2>&1 || die "go install $pkg failed (see $LOGS/build.log)"
}

# ensure_helm: the helm CLI, for installing the operator's chart (e2e/install-operator.sh).
ensure_helm() {
  go_install_tool "$HELM_BIN" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" "installs the operator's chart"
}

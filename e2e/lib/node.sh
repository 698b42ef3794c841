# shellcheck shell=bash
# Part of e2e/cluster.sh, sourced by it: The real node (containerd, pause image, kubelet, kube-proxy) and cluster DNS.
# Its settings (paths, addresses, versions) are cluster.sh's globals.
# shellcheck disable=SC2154

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
  # kube-proxy exits when its configuration file is written, even with the same content.
  if pid_alive kube-proxy; then
    log "kube-proxy already running (pid $(pid_of kube-proxy))"
    return 0
  fi
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

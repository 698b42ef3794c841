# shellcheck shell=bash
# Part of e2e/cluster.sh, sourced by it: a real Prometheus, built from its Go module, on the host,
# scraping the pods that ask for it (annotation prometheus.io/scrape) on the real node: the
# operator and the workers. KWOK nodes' pods are simulated and have nothing to scrape.
# Its settings (paths, addresses, versions) are cluster.sh's globals.
# shellcheck disable=SC2154

ensure_prometheus() {
  go_install_tool "$PROMETHEUS_BIN" "github.com/prometheus/prometheus/cmd/prometheus@$PROMETHEUS_VERSION" \
    "the local cluster's Prometheus"
}

prometheus_config() {
  cat <<YAML
global:
  scrape_interval: 5s
  evaluation_interval: 5s
scrape_configs:
  # The usual kubernetes-pods job: pods annotated prometheus.io/scrape: "true", on the port of
  # prometheus.io/port, labelled with their namespace and pod. honor_labels: the operator's
  # per-pipeline series carry the pipeline's own namespace (docs/metrics.md).
  - job_name: kubernetes-pods
    honor_labels: true
    kubernetes_sd_configs:
      - role: pod
        kubeconfig_file: $KUBECONFIG_ADMIN
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
        action: keep
        regex: "true"
      - source_labels: [__meta_kubernetes_pod_node_name]
        action: keep
        regex: $NODE_NAME
      - source_labels: [__meta_kubernetes_pod_phase]
        action: keep
        regex: Running
      - source_labels: [__meta_kubernetes_pod_ip, __meta_kubernetes_pod_annotation_prometheus_io_port]
        regex: (.+);(\\d+)
        replacement: \$1:\$2
        target_label: __address__
      - source_labels: [__meta_kubernetes_namespace]
        target_label: namespace
      - source_labels: [__meta_kubernetes_pod_name]
        target_label: pod
      - source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_instance]
        target_label: instance_name
YAML
}

start_prometheus() {
  ensure_prometheus
  mkdir -p "$STATE/prometheus"
  prometheus_config >"$CONF/prometheus.yml"
  start_proc prometheus "$PROMETHEUS_BIN/prometheus" --config.file "$CONF/prometheus.yml" \
    --storage.tsdb.path "$STATE/prometheus" --storage.tsdb.retention.time 1d \
    --web.listen-address "$PROMETHEUS_ADDR" --web.enable-lifecycle
}

prometheus_ready() { curl -sf "http://$PROMETHEUS_ADDR/-/ready" >/dev/null; }

# shellcheck shell=bash
# Part of e2e/cluster.sh, sourced by it: KWOK fake nodes, shaped by e2e/topology.conf.
# Its settings (paths, addresses, versions) are cluster.sh's globals.
# shellcheck disable=SC2154

# topology_groups: the groups of $TOPOLOGY, one per line, comments and blank lines dropped.
# Columns: group region nodes cpu memory gpus gpu-product instance-type taints prefix scale-target
topology_groups() {
  awk '!/^[[:space:]]*(#|$)/ { if (NF != 11) { print "bad line " NR ": " $0 > "/dev/stderr"; exit 1 } print }' "$TOPOLOGY"
}

# taints_yaml <key=value:Effect,...|->: the items of a node's spec.taints
taints_yaml() {
  local t
  [ "$1" = - ] && return 0
  local -a all
  IFS=, read -r -a all <<<"$1"
  for t in "${all[@]}"; do
    printf '  - {key: %s, value: %s, effect: %s}\n' "${t%%=*}" "$(v=${t#*=}; echo "${v%%:*}")" "${t##*:}"
  done
}

# kwok_node_yaml <name> <group> <region> <cpu> <memory> <gpus> <gpu-product> <instance-type>
#                <taints> [extra labels yaml] [extra annotations yaml]
# A node KWOK keeps Ready (its annotation kwok.x-k8s.io/node: fake). Allocatable = capacity.
kwok_node_yaml() {
  local name=$1 group=$2 region=$3 cpu=$4 memory=$5 gpus=$6 product=$7 itype=$8 taints=$9
  local labels=${10:-} annotations=${11:-}
  cat <<YAML
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
${annotations}
  labels:
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: $name
    node.kubernetes.io/instance-type: $itype
    topology.kubernetes.io/region: $region
    tributary.io/pool: $group
    tributary.io/node-kind: kwok
YAML
  if [ "$gpus" != 0 ]; then
    printf '    nvidia.com/gpu.product: %s\n    nvidia.com/gpu.count: "%s"\n' "$product" "$gpus"
  fi
  [ -z "$labels" ] || printf '%s\n' "$labels"
  echo "spec:"
  if [ "$taints" != - ]; then
    echo "  taints:"
    taints_yaml "$taints"
  fi
  cat <<YAML
status:
  capacity: &cap
    cpu: "$cpu"
    memory: $memory
    pods: "110"
    ephemeral-storage: 200Gi
YAML
  [ "$gpus" = 0 ] || printf '    nvidia.com/gpu: "%s"\n' "$gpus"
  cat <<YAML
  allocatable: *cap
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: fake
    kubeProxyVersion: fake
YAML
}

# The static groups' nodes (autoscaled groups get theirs from e2e/lib/machines.sh).
kwok_nodes_yaml() {
  local group region nodes cpu memory gpus product itype taints prefix target i
  while read -r group region nodes cpu memory gpus product itype taints prefix target; do
    [ "$target" = - ] || continue
    for ((i = 1; i <= nodes; i++)); do
      kwok_node_yaml "$prefix-$i" "$group" "$region" "$cpu" "$memory" "$gpus" "$product" "$itype" "$taints"
    done
  done < <(topology_groups)
}

# How many nodes the static groups declare: `up` waits for that many Ready KWOK nodes.
kwok_static_node_count() {
  topology_groups | awk '$11 == "-" { n += $3 } END { print n + 0 }'
}

kwok_static_nodes_ready() {
  local want ready
  want=$(kwok_static_node_count)
  ready=$(kubectl_ get nodes -l 'type=kwok,!cluster.x-k8s.io/deployment-name' \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c '^True$' || true)
  [ "$ready" -ge "$want" ]
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

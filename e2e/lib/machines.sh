# shellcheck shell=bash
# Part of e2e/cluster.sh, sourced by it: Cluster API's MachineDeployment and Machine CRDs (the
# real ones, from the sigs.k8s.io/cluster-api Go module), a MachineDeployment per autoscaled
# group of e2e/topology.conf, and the local "infrastructure provider": a loop that turns each
# MachineDeployment's replicas into Machines and KWOK nodes. Nothing of Cluster API itself runs.
# Its settings (paths, addresses, versions) are cluster.sh's globals.
# shellcheck disable=SC2154

CAPI_CRDS=(cluster.x-k8s.io_machinedeployments.yaml cluster.x-k8s.io_machines.yaml)
# The shape of a MachineDeployment's nodes, in the annotations Cluster API's cluster-autoscaler
# provider reads to scale a group from zero: the loop builds nodes from them.
CAPACITY=capacity.cluster-autoscaler.kubernetes.io
# MachineDeployments the loop serves (any namespace): those with this label.
MACHINES_LABEL=tributary.io/kwok-machines

# ensure_capi_crds: the CRD files of sigs.k8s.io/cluster-api@$CAPI_VERSION, cached.
ensure_capi_crds() {
  local dir=$CACHE/capi-$CAPI_VERSION src f
  [ -f "$dir/.complete" ] && return 0
  log "fetching Cluster API $CAPI_VERSION's CRDs (go module sigs.k8s.io/cluster-api)"
  src=$(cd "$E2E_DIR" && GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/cluster-api@$CAPI_VERSION" \
    | awk -F'"' '$2 == "Dir" { print $4 }') || true
  if [ -z "$src" ] || [ ! -d "$src/core/config/crd/bases" ]; then
    die "go mod download sigs.k8s.io/cluster-api@$CAPI_VERSION gave no CRDs"
  fi
  mkdir -p "$dir"
  for f in "${CAPI_CRDS[@]}"; do cp "$src/core/config/crd/bases/$f" "$dir/"; done
  touch "$dir/.complete"
}

# machine_deployment_yaml <namespace> <name> <replicas> <group> <region> <cpu> <memory> <gpus>
#                         <gpu-product> <instance-type> <taints>
machine_deployment_yaml() {
  local ns=$1 name=$2 replicas=$3 group=$4 region=$5 cpu=$6 memory=$7 gpus=$8 product=$9
  local itype=${10} taints=${11} labels
  labels="tributary.io/pool=$group,topology.kubernetes.io/region=$region,node.kubernetes.io/instance-type=$itype"
  [ "$gpus" = 0 ] || labels+=",nvidia.com/gpu.product=$product,nvidia.com/gpu.count=$gpus"
  cat <<YAML
---
apiVersion: cluster.x-k8s.io/v1beta2
kind: MachineDeployment
metadata:
  name: $name
  namespace: $ns
  labels: {$MACHINES_LABEL: "true"}
  annotations:
    $CAPACITY/cpu: "$cpu"
    $CAPACITY/memory: "$memory"
    $CAPACITY/gpu-count: "$gpus"
    $CAPACITY/gpu-type: nvidia.com/gpu
    $CAPACITY/labels: "$labels"
    $CAPACITY/taints: "$([ "$taints" = - ] || echo "$taints")"
spec:
  clusterName: local
  replicas: $replicas
  selector:
    matchLabels: {cluster.x-k8s.io/deployment-name: $name}
  template:
    metadata:
      labels: {cluster.x-k8s.io/deployment-name: $name}
    spec:
      clusterName: local
      bootstrap: {dataSecretName: kwok}
      infrastructureRef: {apiGroup: infrastructure.tributary.io, kind: KwokMachineTemplate, name: $group}
YAML
}

# setup_machines: the CRDs, and one MachineDeployment per autoscaled group (created once: after
# that its replicas belong to whoever scales it).
setup_machines() {
  ensure_capi_crds
  local f group region nodes cpu memory gpus product itype taints target
  for f in "${CAPI_CRDS[@]}"; do
    kubectl_ apply --server-side --force-conflicts -f "$CACHE/capi-$CAPI_VERSION/$f" >>"$LOGS/machines.log" 2>&1 \
      || die "installing $f failed (see $LOGS/machines.log)"
  done
  wait_for "the MachineDeployment CRD" 60 kubectl_ get machinedeployments.cluster.x-k8s.io -A
  while read -r group region nodes cpu memory gpus product itype taints _ target; do
    [ "$target" != - ] || continue
    kubectl_ get namespace "${target%/*}" >/dev/null 2>&1 || kubectl_ create namespace "${target%/*}" >/dev/null
    kubectl_ get machinedeployments.cluster.x-k8s.io -n "${target%/*}" "${target#*/}" >/dev/null 2>&1 && continue
    machine_deployment_yaml "${target%/*}" "${target#*/}" "$nodes" "$group" "$region" "$cpu" "$memory" \
      "$gpus" "$product" "$itype" "$taints" | kubectl_ create -f - >>"$LOGS/machines.log" 2>&1 \
      || die "creating MachineDeployment $target failed (see $LOGS/machines.log)"
  done < <(topology_groups)
  start_proc machines "$E2E_DIR/cluster.sh" machines-loop
}

# ---------------------------------------------------------------- the infrastructure loop

# machines_loop: every second, make each labelled MachineDeployment's Machines and nodes match
# its replicas. Runs until stopped (`down`).
machines_loop() {
  log "serving MachineDeployments labelled $MACHINES_LABEL=true"
  local round=0
  while true; do
    machines_sync "$((round % 10 == 0))" || log "sync failed; retrying"
    round=$((round + 1))
    sleep 1
  done
}

# machines_sync <full>: a MachineDeployment whose status already matches its replicas is left
# alone (one API call a second when nothing changes), unless full=1, which also collects orphans.
machines_sync() {
  local full=$1 ns name replicas have ready cpu memory gpus labels taints
  local rows
  rows=$(kubectl_ get machinedeployments.cluster.x-k8s.io -A -l "$MACHINES_LABEL=true" -o jsonpath="{range .items[*]}{.metadata.namespace}|{.metadata.name}|{.spec.replicas}|{.status.replicas}|{.status.readyReplicas}|{.metadata.annotations.${CAPACITY//./\\.}/cpu}|{.metadata.annotations.${CAPACITY//./\\.}/memory}|{.metadata.annotations.${CAPACITY//./\\.}/gpu-count}|{.metadata.annotations.${CAPACITY//./\\.}/labels}|{.metadata.annotations.${CAPACITY//./\\.}/taints}{\"\\n\"}{end}") || return 1
  while IFS='|' read -r ns name replicas have ready cpu memory gpus labels taints; do
    [ -n "$name" ] || continue
    replicas=${replicas:-1}
    if [ "$full" = 0 ] && [ "$have" = "$replicas" ] && [ "${ready:-0}" = "$replicas" ]; then continue; fi
    machine_deployment_sync "$ns" "$name" "$replicas" "${cpu:-1}" "${memory:-1Gi}" "${gpus:-0}" "$labels" "${taints:--}"
  done <<<"$rows"
  [ "$full" = 0 ] || machines_orphans
}

# machine_deployment_sync <ns> <name> <replicas> <cpu> <memory> <gpus> <labels> <taints>
machine_deployment_sync() {
  local ns=$1 name=$2 replicas=$3 cpu=$4 memory=$5 gpus=$6 labels=$7 taints=$8
  local -a machines=()
  local m have ready
  # Oldest first; the ones to remove are taken from the end of this order.
  mapfile -t machines < <(machines_by_removal_order "$ns" "$name")
  have=${#machines[@]}
  while ((have < replicas)); do
    machine_create "$ns" "$name" "$cpu" "$memory" "$gpus" "$labels" "$taints" || return 1
    have=$((have + 1))
  done
  while ((have > replicas)); do
    m=${machines[$((have - 1))]}
    log "MachineDeployment $ns/$name at $replicas: deleting Machine and node $m"
    kubectl_ delete node "$m" --ignore-not-found --wait=false >/dev/null
    kubectl_ delete machines.cluster.x-k8s.io -n "$ns" "$m" --ignore-not-found --wait=false >/dev/null
    have=$((have - 1))
  done
  ready=$(kubectl_ get nodes -l "cluster.x-k8s.io/deployment-name=$name" \
    -o jsonpath='{range .items[*]}{.metadata.annotations.cluster\.x-k8s\.io/cluster-namespace}={.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' \
    | grep -c "^$ns=True$" || true)
  kubectl_ patch machinedeployments.cluster.x-k8s.io -n "$ns" "$name" --subresource=status --type=merge \
    -p "{\"status\":{\"replicas\":$have,\"readyReplicas\":$ready,\"availableReplicas\":$ready,\"upToDateReplicas\":$have,\"selector\":\"cluster.x-k8s.io/deployment-name=$name\"}}" >/dev/null
}

# machines_by_removal_order <ns> <md>: Machine names, the ones to keep first. Last come, as in
# Cluster API's MachineSet: Machines annotated cluster.x-k8s.io/delete-machine, then those whose
# node the operator marked tributary.io/scale-down=removing, then the newest.
machines_by_removal_order() {
  local ns=$1 md=$2 removing
  removing=" $(kubectl_ get nodes -l "cluster.x-k8s.io/deployment-name=$md" \
    -o jsonpath='{range .items[?(@.metadata.annotations.tributary\.io/scale-down=="removing")]}{.metadata.name}{" "}{end}') "
  kubectl_ get machines.cluster.x-k8s.io -n "$ns" -l "cluster.x-k8s.io/deployment-name=$md" \
    -o jsonpath='{range .items[*]}{.metadata.creationTimestamp}|{.metadata.name}|{.metadata.annotations.cluster\.x-k8s\.io/delete-machine}|{.metadata.deletionTimestamp}{"\n"}{end}' \
    | while IFS='|' read -r created m delete deleting; do
        if [ -z "$m" ] || [ -n "$deleting" ]; then continue; fi
        local rank=0
        [[ $removing == *" $m "* ]] && rank=1
        [ -z "$delete" ] || rank=2
        echo "$rank|$created|$m"
      done | sort -t'|' -k1,1n -k2,2 | cut -d'|' -f3
}

# machine_create <ns> <md> <cpu> <memory> <gpus> <labels k=v,...> <taints>: a Machine and its node
machine_create() {
  local ns=$1 md=$2 cpu=$3 memory=$4 gpus=$5 labels=$6 taints=$7
  local m group=- region=- product=- itype=kwok kv extra="" suffix
  suffix=$(tr -dc 'a-z0-9' </dev/urandom | head -c 5) || true
  m=$md-$suffix
  local -a pairs=()
  IFS=, read -r -a pairs <<<"$labels"
  for kv in "${pairs[@]}"; do
    case "${kv%%=*}" in
      tributary.io/pool) group=${kv#*=} ;;
      topology.kubernetes.io/region) region=${kv#*=} ;;
      node.kubernetes.io/instance-type) itype=${kv#*=} ;;
      nvidia.com/gpu.product) product=${kv#*=} ;;
      nvidia.com/gpu.count) ;;
      *) extra+="    ${kv%%=*}: \"${kv#*=}\""$'\n' ;;
    esac
  done
  extra+="    cluster.x-k8s.io/deployment-name: $md"
  log "MachineDeployment $ns/$md: creating Machine and node $m"
  cat <<YAML | kubectl_ create -f - >/dev/null || return 1
apiVersion: cluster.x-k8s.io/v1beta2
kind: Machine
metadata:
  name: $m
  namespace: $ns
  labels: {cluster.x-k8s.io/deployment-name: $md, cluster.x-k8s.io/cluster-name: local}
spec:
  clusterName: local
  bootstrap: {dataSecretName: kwok}
  infrastructureRef: {apiGroup: infrastructure.tributary.io, kind: KwokMachine, name: $m}
YAML
  kwok_node_yaml "$m" "$group" "$region" "$cpu" "$memory" "$gpus" "$product" "$itype" "$taints" "$extra" \
    "    cluster.x-k8s.io/machine: $m
    cluster.x-k8s.io/cluster-namespace: $ns" | kubectl_ create -f - >/dev/null || return 1
  kubectl_ patch machines.cluster.x-k8s.io -n "$ns" "$m" --subresource=status --type=merge \
    -p "{\"status\":{\"nodeRef\":{\"name\":\"$m\"},\"phase\":\"Running\"}}" >/dev/null || true
}

# machines_orphans: nodes and Machines whose MachineDeployment is gone go with it.
machines_orphans() {
  local live node ns md
  live=" $(kubectl_ get machinedeployments.cluster.x-k8s.io -A -l "$MACHINES_LABEL=true" \
    -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}{" "}{end}') "
  kubectl_ get nodes -l cluster.x-k8s.io/deployment-name \
    -o jsonpath='{range .items[*]}{.metadata.name}|{.metadata.annotations.cluster\.x-k8s\.io/cluster-namespace}|{.metadata.labels.cluster\.x-k8s\.io/deployment-name}{"\n"}{end}' \
    | while IFS='|' read -r node ns md; do
        [ -n "$node" ] || continue
        [[ $live == *" $ns/$md "* ]] && continue
        log "MachineDeployment $ns/$md is gone: deleting node $node"
        kubectl_ delete node "$node" --ignore-not-found --wait=false >/dev/null
        kubectl_ delete machines.cluster.x-k8s.io -n "$ns" "$node" --ignore-not-found --wait=false >/dev/null 2>&1 || true
      done
}

# shellcheck shell=bash
# Sourced by e2e/install-operator.sh and e2e/namespace-scoped-check.sh: the Helm settings that
# restrict the operator's own egress on the local cluster (chart networkPolicy.operatorEgress,
# docs/security.md "Network"). The API server's addresses are read from the EndpointSlice of the
# kubernetes Service, as the chart's docs tell a platform team to: NetworkPolicy sees a
# connection after the Service's translation, so the policy must name the endpoints, not
# 10.96.0.1. Kafka needs no rule here: the operator opens the catalog's Kafka clusters itself.

# operator_egress_sets: prints the --set arguments, one per line (read them with mapfile).
operator_egress_sets() {
  local slice='-n default -l kubernetes.io/service-name=kubernetes'
  local addresses port cidrs=()
  # shellcheck disable=SC2086 # $slice is the selector's words
  addresses=$(kubectl get endpointslices $slice -o jsonpath='{.items[*].endpoints[*].addresses[*]}')
  # shellcheck disable=SC2086
  port=$(kubectl get endpointslices $slice -o jsonpath='{.items[0].ports[0].port}')
  if [ -z "$addresses" ] || [ -z "$port" ]; then
    echo "operator egress: no endpoints for the kubernetes Service (kubectl get endpointslices $slice)" >&2
    return 1
  fi
  local a
  for a in $addresses; do
    case $a in *:*) cidrs+=("$a/128") ;; *) cidrs+=("$a/32") ;; esac
  done
  local IFS=,
  printf '%s\n' --set networkPolicy.operatorEgress.enabled=true \
    --set "networkPolicy.operatorEgress.apiServer.cidrs={${cidrs[*]}}" \
    --set "networkPolicy.operatorEgress.apiServer.ports={$port}"
}

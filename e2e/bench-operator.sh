#!/usr/bin/env bash
# Operator-at-scale benchmark (not a test) on the local e2e cluster. For each size N:
#   1. as in the earlier runs (skip with --no-apply-included): N idle StreamJobs (replicas 0, Kafka
#      in and out, no pool) applied at once (`kubectl apply --server-side` of one file) into a
#      fresh namespace while the operator runs -> seconds from the start of the apply until every
#      one has status.observedGeneration == metadata.generation and a Ready condition. The apply
#      of the StreamJobs themselves dominates this number, so it is kept only to compare with
#      earlier runs; the namespace is deleted again before step 2.
#   2. operator alone: the operator scaled to 0 (no pod left, its Lease expired), the N
#      StreamJobs applied into another fresh namespace and all stored, then the operator scaled
#      back up -> seconds from the scale-up to its pod Ready, to it holding the leader Lease, to
#      its first StreamJob reconcile (start-up), and from there until every one is reconciled as
#      in step 1 (reconcile); the operator is scaled back up on exit, also on failure.
#   3. quiet window: once every StreamJob also reports Progressing=False (the Deployment
#      controller has caught up), writes have stopped and a settle pause has passed, count for
#      --quiet-seconds the writes to StreamJobs and their children (kube-apiserver's own
#      apiserver_request_total, diffed) and the objects whose resourceVersion moved;
#   4. raw client: the same children (taken from step 2, owner references and server fields
#      stripped) applied at once into another fresh namespace -> seconds.
# Then a table of N, the step 1 seconds, the step 2 seconds (start-up, reconcile, total), raw
# seconds and the ratios of the step 2 total and of its reconcile part to raw (target: total <=
# 1.5 x raw at N=1000).
#
#   e2e/bench-operator.sh [--sizes "200 1000"] [--rounds 1] [--settle-seconds 30]
#                         [--quiet-seconds 90] [--poll-seconds 1] [--timeout-seconds 1200]
#                         [--no-apply-included]
#
# Needs the cluster up and the operator deployed from this tree (e2e/README.md); hold
# /tmp/tributary-e2e.lock while it runs, since other runs deploy operators to the same cluster,
# and this one scales the operator to 0 and back.
# Talks only to that cluster (it refuses any API server but 127.0.0.1) and its Kafka broker.
# Creates namespaces bench-inc-* / bench-op-* / bench-raw-* (deleted again, also on failure) and
# the topic bench.operator.in. Results: docs/benchmarks.md, section "Operator at scale".
set -euo pipefail
export LC_ALL=C # one decimal point for EPOCHREALTIME and awk, one collation for sort and join

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${TRIBUTARY_E2E_STATE:-$E2E_DIR/.state}
SIZES="200 1000"
ROUNDS=1
SETTLE=30
QUIET=90
POLL=1
TIMEOUT=1200
NS_TIMEOUT=900
APPLY_INCLUDED=1
TOPIC=bench.operator.in
OPERATOR_NS=tributary-system
OPERATOR_DEPLOY=deployment/tributary-operator
OPERATOR_PODS=app.kubernetes.io/name=tributary-operator
OPERATOR_LEASE=tributary-operator # LeaderElectionConfiguration in operator/.../Main.java
OPERATOR_METRICS=/api/v1/namespaces/$OPERATOR_NS/services/tributary-operator-metrics:metrics/proxy/metrics
SJ_API=/apis/tributary.io/v1alpha1
# What the operator makes for a StreamJob (StreamJobRenderer), and the label on each of them.
CHILD_KINDS=configmaps,serviceaccounts,deployments.apps,services,poddisruptionbudgets.policy,networkpolicies.networking.k8s.io
CHILD_LABEL=app.kubernetes.io/managed-by=tributary-operator
# Resources whose requests are counted (apiserver_request_total's `resource` label).
COUNTED="streamjobs configmaps serviceaccounts deployments services poddisruptionbudgets networkpolicies events"
WRITE_VERBS="POST PUT PATCH APPLY DELETE DELETECOLLECTION"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --settle-seconds) SETTLE=$2; shift 2 ;;
    --quiet-seconds) QUIET=$2; shift 2 ;;
    --poll-seconds) POLL=$2; shift 2 ;;
    --timeout-seconds) TIMEOUT=$2; shift 2 ;;
    --no-apply-included) APPLY_INCLUDED=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

command -v jq >/dev/null || die "jq is needed"
eval "$("$E2E_DIR/cluster.sh" env)"
command -v kubectl >/dev/null || die "kubectl not found: is the cluster built? (e2e/cluster.sh status)"
server=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')
case "$server" in
  https://127.0.0.1:*) ;;
  *) die "KUBECONFIG points at $server, not the local cluster: refusing" ;;
esac
kubectl -n "$OPERATOR_NS" rollout status "$OPERATOR_DEPLOY" --timeout=60s >/dev/null \
  || die "the operator is not running (deploy it: see e2e/README.md)"
# The replica count to restore at the end: step 2 scales the operator to 0 and back to ONE replica
# (the chart runs two, leader and standby; the benchmark measures one operator, and a standby would
# share the metrics Service and the process list with it).
REPLICAS=$(kubectl -n "$OPERATOR_NS" get "$OPERATOR_DEPLOY" -o jsonpath='{.spec.replicas}')
[ "${REPLICAS:-0}" -ge 1 ] || die "$OPERATOR_DEPLOY has ${REPLICAS:-no} replicas: scale it to 1 first"

WORK=$(mktemp -d)
CREATED=()
OPERATOR_DOWN=0
cleanup() {
  local ns
  # The operator first: the cluster is shared, and a run that fails or is interrupted while the
  # operator is scaled to 0 must not leave the next user without one.
  if [ "$OPERATOR_DOWN" = 1 ]; then
    log "scaling the operator back to $REPLICAS replica(s)"
    if ! { kubectl -n "$OPERATOR_NS" scale "$OPERATOR_DEPLOY" --replicas="$REPLICAS" >/dev/null 2>&1 \
      && kubectl -n "$OPERATOR_NS" rollout status "$OPERATOR_DEPLOY" --timeout=180s >/dev/null 2>&1; }; then
      log "WARNING: could not restore the operator: kubectl -n $OPERATOR_NS scale $OPERATOR_DEPLOY --replicas=$REPLICAS"
    fi
  fi
  for ns in "${CREATED[@]}"; do
    kubectl delete namespace "$ns" --wait=false --ignore-not-found >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
if [ "$REPLICAS" != 1 ]; then
  log "one operator replica for the benchmark (back to $REPLICAS at the end)"
  OPERATOR_DOWN=1
  kubectl -n "$OPERATOR_NS" scale "$OPERATOR_DEPLOY" --replicas=1 >/dev/null
  kubectl -n "$OPERATOR_NS" rollout status "$OPERATOR_DEPLOY" --timeout=180s >/dev/null
fi
trap 'exit 130' INT
trap 'exit 143' TERM

now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
load() { cut -d' ' -f1 /proc/loadavg; }

# ---------------------------------------------------------------- namespaces

new_namespace() { # <name>
  kubectl create namespace "$1" >/dev/null
  kubectl label namespace "$1" tributary.io/bench=operator >/dev/null
  CREATED+=("$1")
}

delete_namespace() { # <name>: delete and wait until it is gone (bounded)
  local ns=$1 start=$SECONDS
  # StreamJobs first: while the namespace terminates, the garbage collector would otherwise remove
  # children under live StreamJobs and the operator would try to re-create them in vain.
  kubectl -n "$ns" delete streamjobs --all --wait=false >/dev/null 2>&1 || true
  kubectl delete namespace "$ns" --wait=false --ignore-not-found >/dev/null
  while kubectl get namespace "$ns" >/dev/null 2>&1; do
    (( SECONDS - start < NS_TIMEOUT )) || die "namespace $ns still there after ${NS_TIMEOUT}s"
    sleep 2
  done
  log "namespace $ns gone after $(( SECONDS - start ))s"
}

# ---------------------------------------------------------------- counters

# apiserver_counts: "<VERB> <resource>[/<subresource>] <requests>" for the counted resources,
# summed over response codes, from the API server's own /metrics; GETs that found nothing are
# counted apart as GET-404.
apiserver_counts() {
  kubectl get --raw /metrics | awk -v counted=" $COUNTED " '
    function label(line, name) {
      if (!match(line, "[{,]" name "=\"[^\"]*\"")) return ""
      return substr(line, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
    }
    /^apiserver_request_total\{/ {
      res = label($0, "resource")
      if (index(counted, " " res " ") == 0) next
      sub_ = label($0, "subresource")
      verb = label($0, "verb")
      if (verb == "GET" && label($0, "code") == "404") verb = "GET-404"
      n[verb " " res (sub_ == "" ? "" : "/" sub_)] += $NF
    }
    END { for (k in n) print k, n[k] }'
}

# count_diff <before> <after>: the lines of <after> whose count grew, with the increase.
count_diff() {
  awk 'NR == FNR { b[$1 " " $2] = $3; next }
       $3 - b[$1 " " $2] > 0 { print $1, $2, $3 - b[$1 " " $2] }' "$1" "$2" | sort -k2,2 -k1,1
}

# writes_in <diff>: write requests to StreamJobs and their children in a count_diff output.
# Events are listed beside them but not counted (they are not state), nor token requests
# (serviceaccounts/token: the kubelet asking for pod tokens, no object is written).
writes_in() {
  awk -v w=" $WRITE_VERBS " 'index(w, " " $1 " ") && $2 != "events" && $2 != "serviceaccounts/token" {
    s += $3 } END { print s + 0 }' "$1"
}

# apiserver_latency: "<VERB> <resource>[/<subresource>] <requests> <seconds>" for the counted
# resources, from the API server's apiserver_request_duration_seconds (count and sum: the time the
# server took to answer, whoever asked), to tell which kind of request a phase waited on.
apiserver_latency() {
  kubectl get --raw /metrics | awk -v counted=" $COUNTED " '
    function label(line, name) {
      if (!match(line, "[{,]" name "=\"[^\"]*\"")) return ""
      return substr(line, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
    }
    /^apiserver_request_duration_seconds_(count|sum)\{/ {
      res = label($0, "resource")
      if (index(counted, " " res " ") == 0) next
      sub_ = label($0, "subresource")
      k = label($0, "verb") " " res (sub_ == "" ? "" : "/" sub_)
      if ($1 ~ /^apiserver_request_duration_seconds_count/) n[k] += $NF; else t[k] += $NF
    }
    END { for (k in n) print k, n[k], t[k] + 0 }'
}

# latency_report <before> <after>: per verb and resource, the requests between two
# apiserver_latency readings and the mean time the server took for them (watches and proxy
# connections left out: they last as long as the client keeps them open).
latency_report() {
  awk 'NR == FNR { n[$1 " " $2] = $3; t[$1 " " $2] = $4; next }
       $1 != "WATCH" && $1 != "CONNECT" && $3 - n[$1 " " $2] > 0 {
         c = $3 - n[$1 " " $2]
         printf "    %-8s %-30s %8d  %8.1f ms on average\n", $1, $2, c, 1000 * ($4 - t[$1 " " $2]) / c
       }' "$1" "$2" | sort -k2,2 -k1,1 >&2
}

# requests_in <diff>: all requests in a count_diff output but watches and proxy connections.
requests_in() {
  awk '$1 != "WATCH" && $1 != "CONNECT" { s += $3 } END { print s + 0 }' "$1"
}

# per_job <diff> <n>: the requests of a phase, one line per verb and resource, with the rate per job.
per_job() {
  awk -v n="$2" '{ printf "    %-8s %-30s %8d  %6.2f per job\n", $1, $2, $3, $3 / n }' "$1" >&2
}

# wait_quiet: wait (at most 180 s) until, in 5 s, fewer than 10 writes reach StreamJobs and the
# child kinds and fewer than 10 reads of them find nothing: the garbage collector's tail of a
# deleted namespace (it looks up and deletes the children of every StreamJob gone) must not land
# in the next timed phase.
wait_quiet() {
  local start=$SECONDS w="?"
  apiserver_counts >"$WORK/q0"
  while (( SECONDS - start < 180 )); do
    sleep 5
    apiserver_counts >"$WORK/q1"
    count_diff "$WORK/q0" "$WORK/q1" >"$WORK/qd"
    w=$(( $(writes_in "$WORK/qd") + $(awk '$1 == "GET-404" { s += $3 } END { print s + 0 }' "$WORK/qd") ))
    (( w < 10 )) && return 0
    mv "$WORK/q1" "$WORK/q0"
  done
  log "WARNING: still $w writes and empty lookups in 5s after 180s; measuring anyway"
}

# operator_reconciles: "<reconciles started> <seconds spent reconciling>" of StreamJobs, from the
# operator's own /metrics (through the API server's service proxy), or "n/a n/a".
operator_reconciles() {
  kubectl get --raw "$OPERATOR_METRICS" 2>/dev/null | awk '
    /^tributary_operator_reconciles_total\{kind="StreamJob"\}/ { n = $2 }
    /^tributary_operator_reconcile_duration_seconds_sum\{kind="StreamJob"\}/ { s = $2 }
    END { if (n == "" || s == "") print "n/a n/a"; else print n, s }'
}

# reconcile_delta <before> <after>: "<reconciles> reconciles, <mean> s each" between two readings.
reconcile_delta() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    if (x[1] == "n/a" || y[1] == "n/a") { print "n/a (operator metrics unreachable)"; exit }
    n = y[1] - x[1]
    if (n > 0) printf "%d, %.2f s each on average\n", n, (y[2] - x[2]) / n; else print 0
  }'
}

# operator_pods: "<pod>=<restarts>" of the operator pods that are not being deleted.
operator_pods() {
  kubectl -n "$OPERATOR_NS" get pods -l "$OPERATOR_PODS" -o json \
    | jq -r '[.items[] | select(.metadata.deletionTimestamp == null)
              | "\(.metadata.name)=\(.status.containerStatuses[0].restartCount)"] | join(" ")'
}

# operator_pod_counts: "<pods, terminating ones included> <Ready pods not being deleted>".
operator_pod_counts() {
  kubectl -n "$OPERATOR_NS" get pods -l "$OPERATOR_PODS" -o json | jq -r '[(.items | length),
    ([.items[] | select(.metadata.deletionTimestamp == null
       and any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length)]
    | "\(.[0]) \(.[1])"'
}

# operator_down: scale the operator to 0 and wait until no operator pod exists, terminating ones
# included (a pod still shutting down could reconcile what step 2 applies).
operator_down() {
  local start=$SECONDS
  OPERATOR_DOWN=1 # set first: an interrupt between here and the scale-up restores the operator
  kubectl -n "$OPERATOR_NS" scale "$OPERATOR_DEPLOY" --replicas=0 >/dev/null
  until [ "$(operator_pod_counts)" = "0 0" ]; do
    (( SECONDS - start < 180 )) || die "operator pods still there 180s after scaling to 0"
    sleep 1
  done
  log "operator scaled to 0: no pod left after $(( SECONDS - start ))s"
}

# lease_expired: wait until the operator's leader Lease has expired. The operator does not
# release it when it stops (JOSDK's leader elector does not release on cancel), and a successor
# waiting out the rest of the lease duration would be counted as start-up.
lease_expired() {
  local renewed duration wait
  # jsonpath prints no newline, so read reports end of input after setting both fields.
  read -r renewed duration < <(kubectl -n "$OPERATOR_NS" get lease "$OPERATOR_LEASE" \
    -o jsonpath='{.spec.renewTime} {.spec.leaseDurationSeconds}' 2>/dev/null || true) || true
  [ -n "${renewed:-}" ] || return 0 # no Lease (leader election off): nothing to wait for
  wait=$(( $(date -d "$renewed" +%s) + ${duration:-0} + 1 - $(date +%s) ))
  if (( wait > 0 )); then
    log "waiting ${wait}s for the operator's leader Lease to expire"
    sleep "$wait"
  fi
}

# operator_up: scale the operator back to one replica; T_SCALE is when. The cleanup restores
# the original count.
operator_up() {
  T_SCALE=$(now)
  kubectl -n "$OPERATOR_NS" scale "$OPERATOR_DEPLOY" --replicas=1 >/dev/null
  [ "$REPLICAS" != 1 ] || OPERATOR_DOWN=0
}

# wait_started: after operator_up, poll until an operator pod is Ready and then until the
# operator has started its first StreamJob reconcile (its own reconciles counter, read through
# the metrics Service as soon as the pod is an endpoint). Sets READY_S and FIRST_S, seconds from
# T_SCALE, and LEADER_S, from T_SCALE to the Lease's acquireTime ("?" if the Lease was not taken
# after T_SCALE). Ready is the operator's readiness probe (/readyz: started, informers healthy).
wait_started() {
  local start=$SECONDS rec acquired
  READY_S="" FIRST_S=""
  while [ -z "$FIRST_S" ]; do
    (( SECONDS - start < TIMEOUT )) || die "the operator did not start reconciling in ${TIMEOUT}s (logs: kubectl -n $OPERATOR_NS logs $OPERATOR_DEPLOY)"
    if [ -z "$READY_S" ]; then
      [ "$(operator_pod_counts | cut -d' ' -f2)" -ge 1 ] && READY_S=$(since "$T_SCALE")
    else
      rec=$(operator_reconciles)
      awk -v n="${rec%% *}" 'BEGIN { exit !(n != "n/a" && n + 0 > 0) }' && FIRST_S=$(since "$T_SCALE")
    fi
    [ -n "$FIRST_S" ] || sleep 0.5
  done
  acquired=$(kubectl -n "$OPERATOR_NS" get lease "$OPERATOR_LEASE" -o jsonpath='{.spec.acquireTime}' 2>/dev/null || true)
  acquired=${acquired:+$(date -d "$acquired" +%s.%N)}
  LEADER_S=$(awk -v a="$T_SCALE" -v b="$acquired" \
    'BEGIN { if (b == "" || b < a) print "?"; else printf "%.1f", b - a }')
}

# cpu_seconds: CPU seconds used so far by "<kube-apiserver> <etcd> <kube-controller-manager>
# <operator JVM>" (processes on this machine: the control plane from cluster.sh's pid files, the
# operator found by its jar); "?" for one that cannot be found.
cpu_seconds() {
  local name pid out=""
  for name in kube-apiserver etcd kube-controller-manager operator; do
    if [ "$name" = operator ]; then
      pid=$(pgrep -o -f 'tributary-operator\.jar' || true)
    else
      pid=$(cut -d' ' -f1 "$STATE/pids/$name.pid" 2>/dev/null || true)
    fi
    out+="$(sed 's/.*) //' "/proc/${pid:-none}/stat" 2>/dev/null \
      | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($12 + $13) / hz }' || true) "
  done
  echo "$out" | awk '{ for (i = 1; i <= 4; i++) printf "%s ", ($i == "" ? "?" : $i); print "" }'
}

# cpu_delta <before> <after>: CPU seconds per process between two cpu_seconds readings.
cpu_delta() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    split(a, x, " "); split(b, y, " "); split("apiserver etcd controller-manager operator", name, " ")
    for (i = 1; i <= 4; i++)
      printf "%s %s%s", name[i], (x[i] == "?" || y[i] == "?") ? "?" : sprintf("%.1f", y[i] - x[i]),
        i < 4 ? ", " : "\n"
  }'
}

# versions <namespace>: "<Kind>/<name> <resourceVersion> <last writer>" of every StreamJob and
# child there; the last writer is the manager of the newest managedFields entry.
versions() {
  kubectl -n "$1" get "streamjobs,$CHILD_KINDS" -o json --show-managed-fields | jq -r '.items[]
    | "\(.kind)/\(.metadata.name) \(.metadata.resourceVersion) "
      + ((.metadata.managedFields // []) | max_by(.time // "") // {}
         | "\(.manager // "?")(\(.operation // "?")\(if .subresource then "/" + .subresource else "" end))")'
}

# ---------------------------------------------------------------- workload

ensure_topic() {
  "$E2E_DIR/cluster.sh" fn kafka_java org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists --topic "$TOPIC" \
    --partitions 1 --replication-factor 1 >/dev/null 2>"$WORK/topic.err" \
    || die "cannot create topic $TOPIC: $(tail -3 "$WORK/topic.err")"
}

# jobs_file <namespace> <n> <file>: N idle StreamJobs as one multi-document file.
jobs_file() {
  local ns=$1 n=$2 file=$3 i
  : >"$file"
  for ((i = 1; i <= n; i++)); do
    printf -- '---
apiVersion: tributary.io/v1alpha1
kind: StreamJob
metadata: {name: bench-%05d, namespace: %s}
spec:
  source:
    kafka: {bootstrapServers: "%s", topics: [%s]}
  sink:
    kafka: {bootstrapServers: "%s", topic: bench.operator.out}
  guarantee: at-least-once
  replicas: 0
  compute: {resources: {cpu: 100m, memory: 256Mi}}
' "$i" "$ns" "$KAFKA_BOOTSTRAP" "$TOPIC" "$KAFKA_BOOTSTRAP" >>"$file"
  done
}

# with_condition <namespace> <type> [<status>]: how many StreamJobs report this generation and
# have a condition of that type (with that status, if given) for this generation.
with_condition() {
  kubectl get --raw "$SJ_API/namespaces/$1/streamjobs" | jq --arg type "$2" --arg status "${3:-}" '
    [.items[] | .metadata.generation as $g
     | select(.status.observedGeneration == $g
         and any(.status.conditions[]?; .type == $type and (.observedGeneration // $g) == $g
                 and ($status == "" or .status == $status)))]
    | length'
}

# stored <namespace>: how many StreamJobs the API server holds there.
stored() {
  kubectl get --raw "$SJ_API/namespaces/$1/streamjobs" | jq '.items | length'
}

# wait_all <namespace> <n> <type> [<status>]: poll until with_condition counts n (bounded).
wait_all() {
  local ns=$1 n=$2 got start=$SECONDS
  shift 2
  while :; do
    got=$(with_condition "$ns" "$@" 2>/dev/null) || got=0 # a slow list is retried, not fatal
    [ "$got" -ge "$n" ] && return 0
    (( SECONDS - start < TIMEOUT )) || die "only $got of $n StreamJobs with condition $* after ${TIMEOUT}s"
    sleep "$POLL"
  done
}

# children_file <from namespace> <to namespace> <file>: what the operator made, as a raw client
# would write it: no owner references, no server-set fields, the other namespace.
children_file() {
  kubectl -n "$1" get "$CHILD_KINDS" -l "$CHILD_LABEL" -o json | jq -c --arg ns "$2" '.items[]
    | del(.status)
    | .metadata |= (del(.uid, .resourceVersion, .creationTimestamp, .generation, .managedFields,
                        .ownerReferences)
                    | .namespace = $ns
                    | if .annotations then .annotations |= del(."deployment.kubernetes.io/revision")
                      else . end)
    | if .kind == "Service" then .spec |= del(.clusterIP, .clusterIPs) else . end' \
    | awk '{ print "---"; print }' >"$3"
}

# ---------------------------------------------------------------- one round

RESULTS=$WORK/results
: >"$RESULTS"

round() { # <n> <round>
  local n=$1 r=$2 suffix ns_inc ns_op ns_raw t0 inc_s="-" inc_apply_s="-" apply_s op_s rec_s raw_s
  local got ratio ratio_rec load_inc="-" load_apply load_op load_raw rec0 rec1 rec2 quiet_writes
  local changed pods0 cpu0 cpu1 quiet_from stable_s
  suffix=$(date +%H%M%S)
  ns_inc=bench-inc-$n-$r-$suffix
  ns_op=bench-op-$n-$r-$suffix
  ns_raw=bench-raw-$n-$r-$suffix
  jobs_file "$ns_op" "$n" "$WORK/jobs.yaml"

  if [ "$APPLY_INCLUDED" = 1 ]; then
    # Step 1, as in the earlier runs: the operator reconciles while the StreamJobs are applied.
    log "N=$n round $r: StreamJobs applied with the operator running, namespace $ns_inc (load $(load))"
    new_namespace "$ns_inc"
    jobs_file "$ns_inc" "$n" "$WORK/jobs-inc.yaml"
    pods0=$(operator_pods)
    rec0=$(operator_reconciles)
    load_inc=$(load)
    t0=$(now)
    kubectl apply --server-side -f "$WORK/jobs-inc.yaml" >/dev/null
    inc_apply_s=$(since "$t0")
    wait_all "$ns_inc" "$n" Ready
    inc_s=$(since "$t0")
    rec1=$(operator_reconciles)
    log "N=$n: all reconciled ${inc_s}s after the apply started (the apply itself ${inc_apply_s}s);" \
      "StreamJob reconciles: $(reconcile_delta "$rec0" "$rec1")"
    [ "$(operator_pods)" = "$pods0" ] || log "WARNING: the operator restarted ($pods0 -> $(operator_pods))"
    delete_namespace "$ns_inc"
    wait_quiet
  fi

  # Step 2: the StreamJobs are all stored before the operator starts, so that what is timed is
  # the operator's own work (and its start-up, reported apart).
  log "N=$n round $r: operator alone, namespace $ns_op"
  operator_down
  new_namespace "$ns_op"
  load_apply=$(load)
  t0=$(now)
  kubectl apply --server-side -f "$WORK/jobs.yaml" >/dev/null
  apply_s=$(since "$t0")
  got=$(stored "$ns_op")
  [ "$got" -eq "$n" ] || die "applied $n StreamJobs into $ns_op, the API server holds $got"
  log "N=$n: $n StreamJobs applied and stored in ${apply_s}s with the operator at 0 (load $load_apply)"
  lease_expired
  apiserver_counts >"$WORK/c0"
  apiserver_latency >"$WORK/l0"
  # The operator process does not exist yet: everything it uses from here on counts.
  cpu0=$(cpu_seconds | awk '{ $4 = "0.0"; print }')
  load_op=$(load)
  operator_up
  wait_started
  log "N=$n: operator pod Ready after ${READY_S}s, leader after ${LEADER_S}s," \
    "first StreamJob reconcile started after ${FIRST_S}s"
  wait_all "$ns_op" "$n" Ready
  op_s=$(since "$T_SCALE")
  cpu1=$(cpu_seconds)
  apiserver_counts >"$WORK/c1"
  apiserver_latency >"$WORK/l1"
  rec1=$(operator_reconciles) # a new process: its counters are this step's
  pods0=$(operator_pods)
  rec_s=$(awk -v a="$op_s" -v b="$FIRST_S" 'BEGIN { printf "%.1f", a - b }')
  log "N=$n: all reconciled ${op_s}s after the scale-up: start-up ${FIRST_S}s, then ${rec_s}s;" \
    "StreamJob reconciles: $(reconcile_delta "0 0" "$rec1")"
  log "  CPU seconds from the scale-up until all reconciled: $(cpu_delta "$cpu0" "$cpu1")"
  count_diff "$WORK/c0" "$WORK/c1" >"$WORK/d1"
  log "  requests from the scale-up until all reconciled: $(requests_in "$WORK/d1") ($(writes_in "$WORK/d1") writes):"
  per_job "$WORK/d1" "$n"
  log "  the API server's time per request, same span:"
  latency_report "$WORK/l0" "$WORK/l1"

  # Reconciled is not yet settled: the Deployment controller (client-side limit of 20 requests a
  # second in kube-controller-manager) is still creating ReplicaSets and writing Deployment
  # status, and the operator reports each rollout it observes (Progressing: Deploying -> Stable).
  wait_all "$ns_op" "$n" Progressing False
  stable_s=$(since "$T_SCALE")
  log "N=$n: all Progressing=False (workers match the spec) ${stable_s}s after the scale-up"
  wait_quiet
  log "N=$n: settling ${SETTLE}s, then a quiet window of ${QUIET}s"
  sleep "$SETTLE"
  versions "$ns_op" | sort -k1,1 >"$WORK/v0"
  apiserver_counts >"$WORK/c2"
  quiet_from=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  rec1=$(operator_reconciles)
  cpu0=$(cpu_seconds)
  sleep "$QUIET"
  cpu1=$(cpu_seconds)
  apiserver_counts >"$WORK/c3"
  rec2=$(operator_reconciles)
  versions "$ns_op" | sort -k1,1 >"$WORK/v1"
  count_diff "$WORK/c2" "$WORK/c3" >"$WORK/d3"
  quiet_writes=$(writes_in "$WORK/d3")
  changed=$(join "$WORK/v0" "$WORK/v1" | awk '$2 != $4 { print $1, $5 }')
  log "N=$n quiet window: $quiet_writes write requests to StreamJobs and children (cluster-wide)," \
    "$(printf '%s' "$changed" | grep -c . || true) objects changed in $ns_op," \
    "StreamJob reconciles: $(reconcile_delta "$rec1" "$rec2")"
  log "  CPU seconds in the quiet window: $(cpu_delta "$cpu0" "$cpu1")"
  log "  requests in the quiet window:"
  per_job "$WORK/d3" "$n"
  if [ -n "$changed" ]; then
    log "  changed objects by kind and last writer:"
    printf '%s\n' "$changed" | awk '{ split($1, k, "/"); c[k[1] " " $2]++ }
      END { for (x in c) printf "    %-60s %d\n", x, c[x] }' >&2
  fi
  log "  Events in $ns_op (source/reason: count, the quiet window's in brackets):"
  kubectl -n "$ns_op" get events -o json | jq -r --arg since "$quiet_from" '.items[]
    | "\(.source.component // .reportingComponent // "?")/\(.reason) \((.lastTimestamp // .eventTime // "") >= $since)"' \
    | awk '{ n[$1] += 1; if ($2 == "true") q[$1] += 1 }
           END { for (k in n) printf "    %-60s %d (%d)\n", k, n[k], q[k] }' >&2
  [ "$(operator_pods)" = "$pods0" ] || log "WARNING: the operator restarted ($pods0 -> $(operator_pods))"

  log "N=$n round $r: raw client, namespace $ns_raw"
  children_file "$ns_op" "$ns_raw" "$WORK/children.yaml"
  got=$(grep -c '^---$' "$WORK/children.yaml")
  [ "$got" -eq $((6 * n)) ] || die "expected $((6 * n)) children in $ns_op, found $got"
  delete_namespace "$ns_op"
  wait_quiet
  new_namespace "$ns_raw"
  load_raw=$(load)
  apiserver_counts >"$WORK/c4"
  apiserver_latency >"$WORK/l4"
  cpu0=$(cpu_seconds)
  t0=$(now)
  kubectl apply --server-side --field-manager=bench-raw-client -f "$WORK/children.yaml" >/dev/null
  raw_s=$(since "$t0")
  cpu1=$(cpu_seconds)
  apiserver_counts >"$WORK/c5"
  apiserver_latency >"$WORK/l5"
  count_diff "$WORK/c4" "$WORK/c5" >"$WORK/d5"
  log "N=$n: raw client created $got objects in ${raw_s}s; CPU seconds: $(cpu_delta "$cpu0" "$cpu1")"
  log "  requests: $(requests_in "$WORK/d5") ($(writes_in "$WORK/d5") writes):"
  per_job "$WORK/d5" "$n"
  log "  the API server's time per request, same span:"
  latency_report "$WORK/l4" "$WORK/l5"
  delete_namespace "$ns_raw"
  wait_quiet

  ratio=$(awk -v a="$op_s" -v b="$raw_s" 'BEGIN { printf "%.2f", a / b }')
  ratio_rec=$(awk -v a="$rec_s" -v b="$raw_s" 'BEGIN { printf "%.2f", a / b }')
  echo "$n $r $inc_s $inc_apply_s $apply_s $READY_S $LEADER_S $FIRST_S $rec_s $op_s $raw_s" \
    "$ratio $ratio_rec $stable_s $load_inc $load_apply $load_op $load_raw $quiet_writes" >>"$RESULTS"
}

# ---------------------------------------------------------------- main

others=$(kubectl get streamjobs -A --no-headers 2>/dev/null | grep -cv '^bench-' || true)
[ "$others" -eq 0 ] || log "note: $others other StreamJobs exist; the cluster-wide counters include them"
log "operator image $(kubectl -n "$OPERATOR_NS" get deploy tributary-operator \
  -o jsonpath='{.spec.template.spec.containers[0].image}'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
ensure_topic
# Warm-up: one StreamJob reconciled before anything is timed, so that waiting for the leader
# Lease after a restart, class loading and the first Kafka admin client do not count.
warm=bench-warmup-$(date +%H%M%S)
new_namespace "$warm"
jobs_file "$warm" 1 "$WORK/jobs.yaml"
kubectl apply --server-side -f "$WORK/jobs.yaml" >/dev/null
start=$SECONDS
until [ "$(with_condition "$warm" Ready 2>/dev/null)" = 1 ]; do
  (( SECONDS - start < 300 )) || die "the operator did not reconcile a StreamJob in 300s (logs: kubectl -n $OPERATOR_NS logs deploy/tributary-operator)"
  sleep 1
done
log "warm-up StreamJob reconciled after $(( SECONDS - start ))s"
delete_namespace "$warm"
wait_quiet
for n in $SIZES; do
  for ((r = 1; r <= ROUNDS; r++)); do round "$n" "$r"; done
done

log "done, load averages (1/5/15 min) $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Step 1: StreamJobs applied while the operator runs (as in the earlier runs); step 2: applied"
echo "with the operator at 0, then the operator scaled up; raw: the same children applied by kubectl."
echo "Seconds; step 2's start-up is from the scale-up to the pod Ready / the leader Lease taken /"
echo "the first StreamJob reconcile started, its reconcile from there until all reconciled."
echo
echo "| N | round | step 1: all reconciled s (of which apply) | step 2: apply s | start-up s (pod Ready / leader / first reconcile) | reconcile s | operator total s | raw client s | ratio total / raw | ratio reconcile / raw | all Stable s | load (step 1 / apply / operator / raw) | quiet-window writes |"
echo "|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|"
awk '{ printf "| %d | %d | %s (%s) | %s | %s / %s / %s | %s | %s | %s | %s | %s | %s | %s / %s / %s / %s | %d |\n",
         $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19 }' "$RESULTS"
awk '$1 == 1000 { print $12 }' "$RESULTS" | sort -n | awk '{ r[NR] = $1 }
  END {
    if (!NR) exit
    m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
    printf "\nN=1000: median ratio of the operator total to raw %.2f (target <= 1.5: %s)\n",
      m, m <= 1.5 ? "met" : "missed"
  }'

# shellcheck shell=bash
# Part of e2e/cluster.sh, sourced by it: Pods that prove the cluster works.
# Its settings (paths, addresses, versions) are cluster.sh's globals.
# shellcheck disable=SC2154
# (cmd_selftest's inner helpers are called through check: SC2317 cannot see that alone)
# shellcheck disable=SC2317

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

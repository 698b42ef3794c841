#!/bin/bash
# Run inside a pod on the real node by `e2e/cluster.sh selftest`: reaches the API server
# through the `kubernetes` Service, cluster DNS, and the Kafka broker on the host.
set -u
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
tcp() { timeout 5 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

echo "pod $(hostname) ip $(hostname -I)"
if tcp "$KUBERNETES_SERVICE_HOST" "$KUBERNETES_SERVICE_PORT"; then
  ok "tcp $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT (kubernetes Service)"
else
  bad "tcp $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT (kubernetes Service)"
fi
# A real API call with the pod's service account (in-cluster config), kubectl mounted from the host
if out=$(/hostbin/kubectl get --raw /version 2>&1); then
  ok "GET /version as $(/hostbin/kubectl auth whoami -o jsonpath='{.status.userInfo.username}' 2>/dev/null): $(echo "$out" | grep gitVersion | tr -d ' ,')"
else
  bad "GET /version: $out"
fi
if getent hosts kubernetes.default.svc.cluster.local >/dev/null; then
  ok "dns kubernetes.default.svc.cluster.local -> $(getent hosts kubernetes.default.svc.cluster.local | awk '{print $1}')"
else
  bad "dns kubernetes.default.svc.cluster.local"
fi
# A pod behind a ClusterIP Service (kube-proxy iptables rules), found by its DNS name
if [ -n "${HTTP_SERVICE:-}" ]; then
  host=${HTTP_SERVICE%:*} port=${HTTP_SERVICE##*:} reply=""
  for _ in $(seq 60); do
    reply=$(timeout 5 bash -c "exec 3<>/dev/tcp/$host/$port && printf 'GET /health HTTP/1.0\r\n\r\n' >&3 && head -1 <&3" 2>/dev/null) || true
    case "$reply" in *" 200 "*) break ;; esac
    sleep 1
  done
  case "$reply" in
    *" 200 "*) ok "http://$HTTP_SERVICE/health -> $(echo "$reply" | tr -d '\r')" ;;
    *) bad "http://$HTTP_SERVICE/health -> '${reply}'" ;;
  esac
fi
if tcp "${KAFKA_HOST}" "${KAFKA_PORT}"; then
  ok "tcp $KAFKA_HOST:$KAFKA_PORT (Kafka)"
else
  bad "tcp $KAFKA_HOST:$KAFKA_PORT (Kafka)"
fi
# A real Kafka request: ApiVersions via Kafka's own client, jars mounted from the host cache.
# Up to 3 tries: on a loaded 2-core machine the tool's short internal timeouts can expire.
kafka_ok=""
for try in 1 2 3; do
  if out=$(timeout 90 java -cp '/kafka/*' org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "$KAFKA_HOST:$KAFKA_PORT" 2>&1); then
    kafka_ok=$try
    break
  fi
  echo "     try $try: $(echo "$out" | grep -E 'Exception|Error' | grep -v '^\s*at ' | head -2)"
done
if [ -n "$kafka_ok" ]; then
  ok "Kafka ApiVersions (try $kafka_ok): $(echo "$out" | grep -m1 ' -> ')"
else
  bad "Kafka ApiVersions"
fi
exit $fail

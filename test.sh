#!/usr/bin/env bash
# Every test: unit and operator tests (*Test), runtime integration tests against a real Kafka
# broker, PostgreSQL and Redis (*IT), and the end-to-end suite against a real local cluster
# (*E2E). Installs what it needs, idempotently; warm runs reuse .cache/ and e2e/.state/.
#   ./test.sh            everything
#   ./test.sh --no-e2e   skip the cluster (for a quick loop; CI always runs everything)
set -euo pipefail
cd "$(dirname "$0")"
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
e2e=1
[ "${1:-}" = "--no-e2e" ] && e2e=0

[ "$(id -u)" = 0 ] || { echo "run as root (as root): tests start PostgreSQL, Redis and a local cluster" >&2; exit 1; }

say "Host packages for the integration tests"
missing=()
for pkg in postgresql redis-server; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The packages' own service instances are not used: the tests start private ones.

say "Build, unit tests, operator tests, runtime integration tests (mvn verify)"
mvn -B -ntp verify

if [ "$e2e" = 1 ]; then
  say "Local cluster, images, operator"
  e2e/cluster.sh up
  e2e/cluster.sh images
  eval "$(e2e/cluster.sh env)"
  kubectl apply -f crds/
  kubectl apply -k config/default
  kubectl -n tributary-system rollout restart deployment/tributary-operator >/dev/null
  kubectl -n tributary-system rollout status deployment/tributary-operator --timeout=5m

  say "End-to-end suite (*E2E) through kubectl"
  mvn -B -ntp -pl e2e verify -DskipE2E=false
fi

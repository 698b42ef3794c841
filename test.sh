#!/usr/bin/env bash
# Every test: unit and operator tests (*Test), runtime integration tests against a real Kafka
# broker, PostgreSQL, Redis and Mosquitto (*IT), the end-to-end suite against a real local cluster (*E2E),
# the Argo CD health checks' cases (argocd/), the alerts' promtool tests and the dashboard's
# checks (monitoring/), and shellcheck over every tracked script. Installs what it needs, idempotently; warm runs reuse
# .cache/ and e2e/.state/.
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
for pkg in postgresql redis-server mosquitto shellcheck; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The packages' own service instances are not used: the tests start private ones.

say "Shell scripts under shellcheck"
# Every tracked script, so a new one is checked without being listed here.
git ls-files -z '*.sh' .ci/run | xargs -0 shellcheck

say "Argo CD health checks (argocd/): every case, run by gopher-lua as Argo CD runs them"
# Go's build cache keeps this step to about a second once it has been built.
command -v go >/dev/null || { echo "go is needed for the Argo CD health check tests" >&2; exit 1; }
(cd argocd/health-test && GOFLAGS=-mod=mod go run . -configmap ../argocd-cm.yaml ../resource_customizations)

say "Alerts: promtool check and unit tests, runbooks, the Grafana dashboard's queries (monitoring/)"
# Builds promtool from the Prometheus Go module into .cache/ the first time (a few minutes).
monitoring/test.sh

say "PyIceberg, the independent reader of the Iceberg tests (a venv in .cache/, from PyPI)"
# Installed once; IcebergIT calls the same script, which returns at once when it is there.
runtime-image/worker/src/test/pyiceberg/install.sh >/dev/null

say "SeaweedFS, the S3-compatible store of the object storage tests (built from its Go module into .cache/)"
# A few minutes cold, then cached; S3LakeIT and S3IcebergIT run the same script, which returns at once.
e2e/lib/seaweedfs.sh build >/dev/null

say "MLServer with its scikit-learn runtime, the model server of RemoteInferIT (a venv in .cache/, from PyPI)"
# Installed once; RemoteInferIT calls the same script, which returns at once when it is there.
runtime-image/worker/src/test/mlserver/install.sh >/dev/null

say "The infer tests' ONNX model: remade by its script (PyPI onnx, a venv in .cache/), equal to the committed one"
(cd runtime-image/worker/src/test/models && "$(./install.sh)" make_model.py && git diff --exit-code -- fraud.onnx)

say "Build, unit tests, operator tests, runtime integration tests (mvn verify)"
mvn -B -ntp verify

if [ "$e2e" = 1 ]; then
  say "Local cluster, images, operator"
  e2e/cluster.sh up
  e2e/cluster.sh images
  eval "$(e2e/cluster.sh env)"
  e2e/install-operator.sh   # the Helm chart, as users install it

  say "End-to-end suite (*E2E) through kubectl"
  mvn -B -ntp -pl e2e verify -DskipE2E=false

  say "helm uninstall leaves nothing behind (reinstall: e2e/install-operator.sh)"
  e2e/uninstall-check.sh

  say "A namespace-scoped install reconciles its namespaces and cannot touch others"
  e2e/namespace-scoped-check.sh
fi

#!/usr/bin/env bash
# Tributary's alerts and dashboard, tested: promtool checks the rules file the chart ships and runs
# its unit tests (monitoring/tests, synthetic series: each alert firing and staying quiet);
# monitoring/check makes sure every alert has a runbook section and tests both ways, that every
# metric the alerts and the dashboard select is in docs/metrics.md, and writes the dashboard's
# queries as recording rules, which promtool then parses.
#
# promtool is built from the Prometheus Go module, at the version monitoring/check/go.mod pins
# (one place), beside the local cluster's prometheus binary (.cache/cluster-bin/prometheus-<version>/,
# or under TRIBUTARY_E2E_CACHE as e2e/cluster.sh uses it): about 4 minutes the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v go >/dev/null || { echo "go is needed to build promtool and run monitoring/check" >&2; exit 1; }
version=$(awk '$1 == "github.com/prometheus/prometheus" { print $2 }' monitoring/check/go.mod)
[ -n "$version" ] || { echo "monitoring/check/go.mod does not require github.com/prometheus/prometheus" >&2; exit 1; }
# The local cluster's Prometheus (e2e/cluster.sh) is the same release the alerts are tested with.
e2e_version=$(sed -n 's/^PROMETHEUS_VERSION=\([^ ]*\).*/\1/p' e2e/cluster.sh)
[ "$e2e_version" = "$version" ] || {
  echo "e2e/cluster.sh builds Prometheus $e2e_version, monitoring/check/go.mod pins $version: make them one" >&2
  exit 1
}
bin="${TRIBUTARY_E2E_CACHE:-$PWD/.cache}/cluster-bin/prometheus-$version"
promtool="$bin/promtool"
if [ ! -x "$promtool" ]; then
  echo "building promtool $version into $bin (once, a few minutes)"
  mkdir -p "$bin"
  GOBIN="$bin" CGO_ENABLED=0 GOFLAGS=-mod=mod go install "github.com/prometheus/prometheus/cmd/promtool@$version"
fi

rules=charts/tributary/files/alerts.rules.yaml
"$promtool" check rules "$rules"
"$promtool" test rules monitoring/tests/*.test.yaml

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd monitoring/check && CGO_ENABLED=0 GOFLAGS=-mod=mod go run . \
  -rules "../../$rules" \
  -tests '../tests/*.test.yaml' \
  -dashboard ../../charts/tributary/files/dashboard.json \
  -metrics-doc ../../docs/metrics.md \
  -runbooks ../../docs/runbooks.md \
  -dashboard-rules "$work/dashboard.rules.yaml")
"$promtool" check rules "$work/dashboard.rules.yaml"

#!/usr/bin/env bash
# Autoscaling benchmark (not a test; issue #10): simulated clocks drive the real LagAutoscaler and
# PoolAutoscaler at the moments the operator's reconcilers would, side by side with models of KEDA +
# HPA defaults (workers) and of the cluster-autoscaler's defaults (node pools); prints Markdown
# tables. Results: docs/benchmarks.md, section "Autoscaling reaction".
#
# Usage: operator/bench-autoscale.sh [--phases 30] [--trace "spike"] [--no-build]
#   --phases N   periodic loops run at N phases of their period against each trace (default 30)
#   --trace NAME print one worker trace's size changes for each autoscaler instead of the tables
#   --no-build   skip the offline Maven build (test-compile) of the operator and what it needs
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build=1
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=0 ;;
    --phases | --phase | --trace)
      [[ $# -ge 2 ]] || { echo "$1 needs a value" >&2; exit 2; }
      args+=("$1" "$2")
      shift
      ;;
    *) echo "unknown argument: $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
  shift
done
cd "$root"
if [[ $build -eq 1 ]]; then
  mvn -B -ntp -o -q -pl operator -am test-compile >&2 # the tables alone on stdout
fi
cd operator
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.tributary.operator.autoscale.AutoscalingBenchmark "${args[@]}"

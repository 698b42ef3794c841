#!/usr/bin/env bash
# The model server of the remote infer tests: MLServer with its scikit-learn runtime (PyPI), in a
# virtualenv under the repository's .cache/ (gitignored). The test trains its own tiny model with
# the same venv's scikit-learn and serves it on loopback. Idempotent: a venv that already holds
# this version is reused. Prints the venv's bin directory on stdout (everything else to stderr).
set -euo pipefail
version=1.7.1
root="$(cd "$(dirname "$0")/../../../../.." && pwd)"
venv="$root/.cache/mlserver-$version"
if [ ! -f "$venv/.installed" ]; then
  command -v python3 >/dev/null || { echo "python3 is needed for the MLServer tests" >&2; exit 1; }
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check "mlserver==$version" "mlserver-sklearn==$version" >&2
  touch "$venv/.installed"
fi
echo "$venv/bin"

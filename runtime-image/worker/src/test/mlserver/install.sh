#!/usr/bin/env bash
# The model server of the remote infer tests: MLServer with its scikit-learn runtime (PyPI), in a
# virtualenv under the repository's .cache/ (gitignored). The test trains its own tiny model with
# the same venv's scikit-learn and serves it on loopback. Idempotent: a venv that already holds
# this version is reused. Prints the venv's bin directory on stdout (everything else to stderr).
set -euo pipefail
version=1.7.1
# shellcheck source=runtime-image/worker/src/test/venv.sh
. "$(dirname "$0")/../venv.sh"
venv=$(venv_install "mlserver-$version" "the MLServer tests" "mlserver==$version" "mlserver-sklearn==$version")
echo "$venv/bin"

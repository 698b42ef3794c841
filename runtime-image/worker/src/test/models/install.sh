#!/usr/bin/env bash
# The maker of the infer tests' ONNX model (make_model.py): PyPI's onnx in a virtualenv under the
# repository's .cache/ (gitignored). Idempotent: a venv that already holds this version is reused.
# Prints the venv's python on stdout (everything else goes to stderr).
set -euo pipefail
version=1.23.2
# shellcheck source=runtime-image/worker/src/test/venv.sh
. "$(dirname "$0")/../venv.sh"
venv=$(venv_install "onnx-$version" "the test model" "onnx==$version")
echo "$venv/bin/python"

#!/usr/bin/env bash
# The maker of the infer tests' ONNX model (make_model.py): PyPI's onnx in a virtualenv under the
# repository's .cache/ (gitignored). Idempotent: a venv that already holds this version is reused.
# Prints the venv's python on stdout (everything else goes to stderr).
set -euo pipefail
version=1.23.2
root="$(cd "$(dirname "$0")/../../../../.." && pwd)"
venv="$root/.cache/onnx-$version"
if [ ! -f "$venv/.installed" ]; then
  command -v python3 >/dev/null || { echo "python3 is needed to make the test model" >&2; exit 1; }
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check "onnx==$version" >&2
  touch "$venv/.installed"
fi
echo "$venv/bin/python"

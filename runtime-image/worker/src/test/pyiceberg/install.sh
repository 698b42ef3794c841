#!/usr/bin/env bash
# The independent reader of the Iceberg tests: PyIceberg (from PyPI) with its SQL catalog on
# PostgreSQL and PyArrow, in a virtualenv under the repository's .cache/ (gitignored). Idempotent:
# a venv that already holds this version is reused, so warm runs cost nothing. Prints the venv's
# python on stdout (everything else goes to stderr).
set -euo pipefail
version=0.12.0
root="$(cd "$(dirname "$0")/../../../../.." && pwd)"
venv="$root/.cache/pyiceberg-$version"
if [ ! -f "$venv/.installed" ]; then
  command -v python3 >/dev/null || { echo "python3 is needed for the PyIceberg reader" >&2; exit 1; }
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check "pyiceberg[sql-postgres,pyarrow]==$version" >&2
  touch "$venv/.installed"
fi
echo "$venv/bin/python"

#!/usr/bin/env bash
# The independent reader of the Iceberg tests: PyIceberg (from PyPI) with its SQL catalog on
# PostgreSQL and PyArrow, in a virtualenv under the repository's .cache/ (gitignored). Idempotent:
# a venv that already holds this version is reused, so warm runs cost nothing. Prints the venv's
# python on stdout (everything else goes to stderr).
set -euo pipefail
version=0.12.0
# shellcheck source=runtime-image/worker/src/test/venv.sh
. "$(dirname "$0")/../venv.sh"
venv=$(venv_install "pyiceberg-$version" "the PyIceberg reader" "pyiceberg[sql-postgres,pyarrow]==$version")
echo "$venv/bin/python"

# shellcheck shell=bash
# Sourced by the test tools' install.sh (models/, pyiceberg/, mlserver/): one virtualenv per tool
# and version under the repository's .cache/ (gitignored), made once from PyPI and reused after
# (a venv is complete only once .installed is written, so an interrupted install is redone).

# venv_install <name-version> <what needs it> <pip requirement...>: prints the venv's directory on
# stdout; pip's output goes to stderr.
venv_install() {
  local name=$1 purpose=$2
  shift 2
  local root venv
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
  venv="$root/.cache/$name"
  if [ ! -f "$venv/.installed" ]; then
    command -v python3 >/dev/null || { echo "python3 is needed for $purpose" >&2; return 1; }
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check "$@" >&2
    touch "$venv/.installed"
  fi
  echo "$venv"
}

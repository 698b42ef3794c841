#!/usr/bin/env bash
# Runs every test: unit, operator (mock server), runtime integration (real Kafka, PostgreSQL,
# Redis) and end-to-end (a real local cluster). Installs what it needs, idempotently.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B -ntp verify "$@"

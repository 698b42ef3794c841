#!/usr/bin/env bash
# SeaweedFS, the S3-compatible object store of the tests and of the local cluster, built from its
# Go module (the wrapper module e2e/cluster/seaweedfs pins the version: `go install …@version`
# refuses SeaweedFS because its go.mod has a replace).
#
# Sourced (by e2e/cluster.sh) it defines the functions below; run as a script it is:
#   e2e/lib/seaweedfs.sh build                              build once, print the binary's path
#   e2e/lib/seaweedfs.sh config <access key> <secret>       print an -s3.config identities file
#   e2e/lib/seaweedfs.sh serve <dir> <ip> <s3 port> <config file>
#                                                           run the server in the foreground
# ./test.sh runs `build` before Maven so the runtime's S3 tests (testing/SeaweedFs.java, which
# runs `build` and `serve` too) find the binary cached. The cache is
# ${TRIBUTARY_E2E_CACHE:-<repo>/.cache}/seaweedfs-<version>/weed (gitignored).

SEAWEEDFS_MODULE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../cluster/seaweedfs" && pwd)
SEAWEEDFS_ROOT=$(cd "$SEAWEEDFS_MODULE_DIR/../../.." && pwd)

# seaweedfs_version: the pseudo-version the wrapper module requires.
seaweedfs_version() {
  awk '$1 == "require" && $2 == "github.com/seaweedfs/seaweedfs" { print $3; exit }' \
    "$SEAWEEDFS_MODULE_DIR/go.mod"
}

# seaweedfs_bin: where the binary of the pinned version is cached (built or not).
seaweedfs_bin() {
  echo "${TRIBUTARY_E2E_CACHE:-$SEAWEEDFS_ROOT/.cache}/seaweedfs-$(seaweedfs_version)/weed"
}

# build_weed: builds `weed` once (about 3 minutes cold on 2 cores, a static binary of ~230 MB)
# and prints its path; returns at once when it is cached. Build output goes to stderr.
build_weed() {
  local bin dir
  bin=$(seaweedfs_bin)
  if [ -x "$bin" ]; then
    echo "$bin"
    return 0
  fi
  command -v go >/dev/null || { echo "go is needed to build SeaweedFS" >&2; return 1; }
  dir=$(dirname "$bin")
  mkdir -p "$dir"
  echo "building SeaweedFS $(seaweedfs_version) into $dir (once, a few minutes cold)" >&2
  (cd "$SEAWEEDFS_MODULE_DIR" && CGO_ENABLED=0 GOFLAGS=-mod=mod \
    go build -trimpath -ldflags="-s -w" -o "$bin.tmp" github.com/seaweedfs/seaweedfs/weed) >&2 \
    || { echo "go build of SeaweedFS failed" >&2; return 1; }
  mv "$bin.tmp" "$bin"
  echo "$bin"
}

# seaweedfs_s3_config <access key> <secret>: an -s3.config file with one identity allowed
# everything. With a config, anonymous requests are refused.
seaweedfs_s3_config() {
  cat <<JSON
{
  "identities": [
    {
      "name": "tributary",
      "credentials": [{"accessKey": "$1", "secretKey": "$2"}],
      "actions": ["Admin", "Read", "List", "Tagging", "Write"]
    }
  ]
}
JSON
}

# start_seaweedfs <dir> <ip> <s3 port> <config file>: runs master, volume server, filer and S3
# gateway in one process, in the foreground (exec), listening on <ip> only, data under <dir>.
# Its other ports follow the S3 port: master s3+1, volume s3+2, filer s3+3, and each gRPC port
# is its HTTP port + 10000, as SeaweedFS derives them.
start_seaweedfs() {
  local dir=$1 ip=$2 port=$3 config=$4 bin
  bin=$(build_weed) || return 1
  mkdir -p "$dir"
  # Every bucket is a collection that takes several volumes of its own: with a fixed
  # -volume.max the store ran out after ten buckets and answered 500 to every new one. 0 lets
  # the volume server size the limit from free disk (64 MB volumes, sparse until written).
  exec "$bin" server -dir="$dir" -ip="$ip" -ip.bind="$ip" \
    -master.port=$((port + 1)) -volume.port=$((port + 2)) -filer.port=$((port + 3)) \
    -master.volumeSizeLimitMB=64 -volume.max=0 \
    -filer -s3 -s3.port="$port" -s3.config="$config"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    build) build_weed ;;
    config) seaweedfs_s3_config "$2" "$3" ;;
    serve) start_seaweedfs "$2" "$3" "$4" "$5" ;;
    *) echo "usage: $0 build | config <access key> <secret> | serve <dir> <ip> <s3 port> <config>" >&2; exit 2 ;;
  esac
fi

#!/usr/bin/env bash
# The infer transform's CUDA path on a real NVIDIA GPU (not part of ./test.sh: CI and developer
# machines have no GPU). Builds the worker with ONNX Runtime's CUDA build (-Ponnxruntime-gpu),
# makes a model large enough for a GPU to matter (make_model.py --bench, PyPI onnx in .cache/),
# and prints CPU and CUDA throughput of the same infer step side by side.
# Needs: nvidia-smi, the NVIDIA driver, CUDA 12 and cuDNN 9 libraries on the library path.
# Usage: e2e/gpu-check.sh [batchSize=256] [records=200000]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
batch="${1:-256}"
records="${2:-200000}"
if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L; then
  echo "gpu-check: no NVIDIA GPU here (nvidia-smi missing or failing); run it on a GPU machine" >&2
  exit 1
fi
models="runtime-image/worker/src/test/models"
python="$("$models/install.sh")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" "$models/make_model.py" --bench "$work/bench.onnx"
# Online once: the CUDA build of ONNX Runtime is not in ~/.m2 until a GPU build fetched it.
mvn -B -q -Ponnxruntime-gpu -pl runtime-image/worker -am test-compile
cd runtime-image/worker
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.tributary.runtime.bench.InferBenchmark "$work/bench.onnx" "$batch" "$records"

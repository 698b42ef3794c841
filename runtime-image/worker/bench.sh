#!/usr/bin/env bash
# Streaming benchmark (not a test): raw copy vs Tributary worker vs Kafka Streams on one in-JVM
# broker. Usage: runtime-image/worker/bench.sh [--records 300000] [--rate 2000]
#   [--latency-seconds 20] [--warmup-seconds 5] [--commit-ms 100] [--rounds 3] [--threads 1]
#   [--only raw,tributary,streams,latency]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -B -q -pl runtime-image/worker -am test-compile
cd runtime-image/worker
exec java -Xmx3g -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.tributary.runtime.bench.StreamBenchmark "$@"

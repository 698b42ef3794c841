#!/usr/bin/env bash
# Batch benchmark (not a test): one PostgreSQL table read four ways, side by side in one run.
#   (1) COPY: psql -c "COPY (SELECT * FROM payments) TO STDOUT (FORMAT csv)" > /dev/null (the limit)
#   (2) Tributary cold: a fresh worker process per run, as in a Job's pod, with the image's flags
#       and its class-data-sharing archive (made by the same training run as the image build):
#       java <a DataPipeline pod's flags> -jar tributary-worker.jar run --plan plan.json
#   (3) Tributary warm: the same plan run in-process by a JVM that already ran it (last of N)
#   (4) Spark: PySpark local[P] in a venv under .cache/bench-venv, the same JDBC read (P
#       partitions) -> normalize -> mask (HMAC-SHA256) -> Parquet; cold = the process minus its
#       second, warm run; warm = that second run, timed inside the session
#   (6) Tributary cold to S3: (2) with the lake on an S3-compatible store (SeaweedFS built from its
#       Go module by e2e/lib/seaweedfs.sh, on loopback), Parquet files with the S3 commit protocol
#   (7) Tributary cold to Iceberg on S3: (2) into an Iceberg table, warehouse on that store,
#       JDBC catalog in the same PostgreSQL
# All four read the same table on a private PostgreSQL 15 (initdb + pg_ctl on a temp dir, loopback
# port); rounds are interleaved and medians reported.
#
# Usage: runtime-image/worker/bench-batch.sh [--rows 2000000] [--rounds 3] [--partitions 2]
#   [--warm-runs 3] [--heap 2g] [--only copy,cold,warm,spark,s3,iceberg] [--no-build] [--no-cds]
#   [--keep]
# Needs: PostgreSQL 15 server binaries (apt-get install postgresql), Java 17, python3 with venv;
# the first run pip-installs pyspark into .cache/bench-venv (about 450 MB); s3/iceberg build
# SeaweedFS once (Go, cached under .cache/seaweedfs-<version>).
set -euo pipefail

rows=2000000
rounds=3
partitions=2
warm_runs=3
heap=2g
only=copy,cold,warm,spark,s3,iceberg
build=1
cds=1
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --partitions) partitions="$2"; shift 2 ;;
    --warm-runs) warm_runs="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-cds) cds=0; shift ;;
    --keep) keep=1; shift ;;
    *) echo "unknown argument $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }

root="$(cd "$(dirname "$0")/../.." && pwd)"
worker="$root/runtime-image/worker"
cd "$root"
if [[ $build == 1 ]]; then
  # The reactor builds this tree's modules; never install SNAPSHOTs into the shared ~/.m2.
  mvn -B -q -o -pl runtime-image/worker -am package -DskipTests
fi
jar="$worker/target/tributary-worker.jar"
test_cp="$worker/target/test-classes:$worker/target/classes:$(cat "$worker/target/test-classpath.txt")"
pg_jar="$(ls "$worker"/target/lib/postgresql-*.jar)"

pg_bin=""
if command -v initdb >/dev/null; then
  pg_bin="$(dirname "$(readlink -f "$(command -v initdb)")")"
else
  pg_bin="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
[[ -x "$pg_bin/initdb" ]] || { echo "initdb not found: apt-get install -y postgresql" >&2; exit 1; }

work="$(mktemp -d /tmp/tributary-bench-batch.XXXXXX)"
chmod 755 "$work" # the server may run as nobody (below)
pg_dir="$work/pg"
mkdir -p "$pg_dir"
as_pg=()
if [[ $(id -u) == 0 ]]; then
  # PostgreSQL refuses to run as root.
  chown nobody "$pg_dir"
  as_pg=(runuser -u nobody --)
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
weed_pid=""
cleanup() {
  if [[ -n $weed_pid ]]; then kill "$weed_pid" 2>/dev/null || true; fi
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  if [[ $keep == 0 ]]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT

echo "starting PostgreSQL on 127.0.0.1:$port in $pg_dir"
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --encoding=UTF8 \
  --no-sync >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -w -t 60 -l "$pg_dir/server.log" \
  -o "-p $port -h 127.0.0.1 -k $pg_dir -F -c fsync=off -c shared_buffers=512MB" start >/dev/null
psql_() { psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d bench -v ON_ERROR_STOP=1 "$@"; }
psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE bench"
url="jdbc:postgresql://127.0.0.1:$port/bench"

printf 'loading %d rows into payments...\n' "$rows"
psql_ <<SQL
CREATE TABLE payments (id bigint PRIMARY KEY, customer_id text, email text, phone text,
  amount numeric(12,2), currency text, country text, created_at timestamptz, status text,
  note text);
INSERT INTO payments SELECT g, 'cust-' || (g % 50000),
  '  User' || g || '@Example.COM ', '+9715' || lpad((g % 10000000)::text, 8, '0'),
  (g % 100000) / 100.0, 'AED', (ARRAY[' ae','sa ','Om','qa'])[1 + g % 4],
  timestamptz '2026-01-01T00:00:00Z' + g * interval '1 second',
  (ARRAY['paid','refunded','pending'])[1 + g % 3],
  'order ' || g || ' of customer ' || (g % 50000) || repeat(' x', g % 8)
  FROM generate_series(1, $rows) g;
VACUUM ANALYZE payments;
SQL
psql_ -t -A -c "SELECT 'table: ' || pg_size_pretty(pg_table_size('payments'))"

java -cp "$test_cp" io.tributary.runtime.batch.BatchBenchmark plan "$url" "$work" "$partitions"
plan="$work/plan.json"

if wants s3 || wants iceberg; then
  # SeaweedFS on loopback: its S3 port P, master/volume/filer on P+1..P+3, gRPC on each +10000.
  s3port="$(python3 - <<'PY'
import random, socket
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
for _ in range(200):
    p = random.randrange(20000, 29000)
    if all(free(q) and free(q + 10000) for q in range(p, p + 4)):
        print(p); break
PY
)"
  [[ -n $s3port ]] || { echo "no free block of loopback ports for SeaweedFS" >&2; exit 1; }
  "$root/e2e/lib/seaweedfs.sh" build >/dev/null
  "$root/e2e/lib/seaweedfs.sh" config bench bench-secret >"$work/s3.json"
  echo "starting SeaweedFS (S3 on 127.0.0.1:$s3port) in $work/s3"
  "$root/e2e/lib/seaweedfs.sh" serve "$work/s3" 127.0.0.1 "$s3port" "$work/s3.json" \
    >"$work/weed.log" 2>&1 &
  weed_pid=$!
  s3_() { curl -sf --aws-sigv4 "aws:amz:us-east-1:s3" --user "bench:bench-secret" "$@"; }
  for _ in $(seq 120); do
    s3_ -X PUT -o /dev/null "http://127.0.0.1:$s3port/bench" && break
    sleep 1
  done
  s3_ -o /dev/null "http://127.0.0.1:$s3port/bench" || { echo "SeaweedFS did not come up; see $work/weed.log" >&2; exit 1; }
  psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE catalog"
fi

# The java flags of a DataPipeline pod: runtime-image/Dockerfile's ENTRYPOINT and the
# JAVA_TOOL_OPTIONS the operator sets (WorkerPod.javaOptions), with the heap pinned so that Spark
# and Tributary get the same; and the image's class-data-sharing archive, made here by the image
# build's own training run (runtime-image/cds) on a copy of the image's layout.
image_flags=(-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseParallelGC)
cold_flags=("${image_flags[@]}" "-Xmx$heap")
if [[ $cds == 1 ]] && wants cold; then
  echo "making the CDS archive as the image build does..."
  image="$work/image"
  mkdir -p "$image"
  cp -r "$worker/target/lib" "$jar" "$root/runtime-image/cds" "$image/"
  jar="$image/tributary-worker.jar"
  # The archive records the class path as written: dump and run with the same absolute jar path.
  (cd "$image" && TRIBUTARY_TERMINATION_LOG="$work/term-cds.json" \
    java -XX:ArchiveClassesAtExit="$image/worker.jsa" -jar "$jar" \
    run --plan cds/training-plan.json >"$work/cds.log" 2>&1)
  cold_flags=(-XX:SharedArchiveFile="$image/worker.jsa" "${cold_flags[@]}")
  # -Xshare:on fails instead of running without the archive; no plan, so it exits 78 at once.
  code=0
  java -Xshare:on "${cold_flags[@]}" -jar "$jar" run --plan /nonexistent >"$work/cds-check.log" 2>&1 ||
    code=$?
  [[ $code == 78 ]] || { echo "the CDS archive is not usable; see $work/cds-check.log" >&2; exit 1; }
fi

venv="$root/.cache/bench-venv"
if wants spark && [[ ! -x "$venv/bin/python" || ! -d "$venv/lib" ]]; then
  echo "installing pyspark into $venv..."
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pyspark
fi

now() { date +%s.%N; }
rate() { awk -v n="$rows" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
written() { grep -o '"recordsWritten":[0-9]*' "$1" | cut -d: -f2; }

declare -a r_copy r_cold r_warm r_spark r_spark_warm r_s3 r_iceberg
# cold_run <plan> <name> <round>: one timed worker process, as a Job's pod; prints its seconds.
cold_run() {
  local t0 t
  t0=$(now)
  TRIBUTARY_TERMINATION_LOG="$work/term-$2.json" java "${cold_flags[@]}" -jar "$jar" \
    run --plan "$1" >"$work/$2-$3.log" 2>&1 || true
  t=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
  [[ "$(written "$work/term-$2.json")" == "$rows" ]] || {
    echo "$2 run wrote $(written "$work/term-$2.json") of $rows rows; see $work/$2-$3.log" >&2
    exit 1
  }
  echo "$t"
}
for ((round = 1; round <= rounds; round++)); do
  line="round $round:"
  if wants copy; then
    t0=$(now)
    psql_ -c "COPY (SELECT * FROM payments) TO STDOUT (FORMAT csv)" >/dev/null
    t=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
    r_copy+=("$(rate "$t")")
    line+=" copy ${t}s"
  fi
  if wants cold; then
    rm -rf "$work/lake"
    t0=$(now)
    TRIBUTARY_TERMINATION_LOG="$work/term-cold.json" java "${cold_flags[@]}" -jar "$jar" \
      run --plan "$plan" >"$work/cold-$round.log" 2>&1
    t=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
    [[ "$(written "$work/term-cold.json")" == "$rows" ]] || {
      echo "cold run wrote $(written "$work/term-cold.json") of $rows rows; see $work/cold-$round.log" >&2
      exit 1
    }
    r_cold+=("$(rate "$t")")
    line+=" cold ${t}s"
  fi
  if wants s3 || wants iceberg; then
    # A plan per round (own run id and location), written before the clock starts.
    java -cp "$test_cp" io.tributary.runtime.batch.BatchBenchmark plan-s3 "$url" "$work" \
      "$partitions" "http://127.0.0.1:$s3port" "jdbc:postgresql://127.0.0.1:$port/catalog" "$round"
  fi
  if wants s3; then
    t=$(cold_run "$work/plan-s3-$round.json" s3 "$round")
    r_s3+=("$(rate "$t")")
    line+=" s3 ${t}s"
  fi
  if wants iceberg; then
    t=$(cold_run "$work/plan-iceberg-$round.json" iceberg "$round")
    r_iceberg+=("$(rate "$t")")
    line+=" iceberg ${t}s"
  fi
  if wants warm; then
    t=$(java "-Xmx$heap" -XX:+UseParallelGC -cp "$test_cp" io.tributary.runtime.batch.BatchBenchmark warm "$plan" \
      "$warm_runs" "$rows" 2>"$work/warm-$round.log" | awk '/^warm / { s = $2 } END { print s }')
    r_warm+=("$(rate "$t")")
    line+=" warm ${t}s"
  fi
  if wants spark; then
    t0=$(now)
    out=$("$venv/bin/python" "$worker/bench_spark.py" --url "$url" --out "$work/spark-out" \
      --partitions "$partitions" --lower 1 --upper "$rows" --runs 2 --jar "$pg_jar" \
      --memory "$heap" 2>"$work/spark-$round.log")
    total=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
    second=$(echo "$out" | awk '/^spark / { s = $2 } END { print s }')
    t=$(awk -v a="$total" -v b="$second" 'BEGIN { print a - b }')
    r_spark+=("$(rate "$t")")
    r_spark_warm+=("$(rate "$second")")
    line+=" spark cold ${t}s warm ${second}s"
  fi
  echo "$line (load $(cut -d' ' -f1-3 /proc/loadavg))"
done

if wants spark && wants cold; then
  # Same output? Tributary's last cold lake against Spark's last output, not timed.
  rm -rf "$work/lake"
  TRIBUTARY_TERMINATION_LOG="$work/term-check.json" java "${cold_flags[@]}" -jar "$jar" \
    run --plan "$plan" >"$work/check.log" 2>&1
  "$venv/bin/python" "$worker/bench_spark.py" --url "$url" --out "$work/spark-out" \
    --partitions "$partitions" --lower 1 --upper "$rows" --runs 0 --jar "$pg_jar" \
    --check "$work/lake/payments" --rows "$rows" 2>>"$work/spark-check.log"
fi

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# 1234567.5 -> 1,234,568
commas() {
  awk -v n="$1" 'BEGIN { s = sprintf("%.0f", n); o = ""
    while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
    print s o }'
}
# One row per round: rows/s of each column, then the ratios the targets are about, taken per
# round (the columns of a round ran minutes apart at most) and their medians.
cols=() names=()
if wants copy; then cols+=(r_copy); names+=("(1) COPY"); fi
if wants cold; then cols+=(r_cold); names+=("(2) Tributary cold"); fi
if wants warm; then cols+=(r_warm); names+=("(3) Tributary warm"); fi
if wants spark; then cols+=(r_spark r_spark_warm); names+=("(4) Spark cold" "(5) Spark warm"); fi
if wants s3; then cols+=(r_s3); names+=("(6) Tributary cold, S3 Parquet"); fi
if wants iceberg; then cols+=(r_iceberg); names+=("(7) Tributary cold, Iceberg on S3"); fi
pairs=()
if wants copy && wants cold; then pairs+=("r_cold r_copy (2)/(1)"); fi
if wants copy && wants warm; then pairs+=("r_warm r_copy (3)/(1)"); fi
if wants cold && wants spark; then pairs+=("r_cold r_spark (2)/(4)"); fi
if wants warm && wants spark; then pairs+=("r_warm r_spark_warm (3)/(5)"); fi
if wants copy && wants s3; then pairs+=("r_s3 r_copy (6)/(1)"); fi
if wants copy && wants iceberg; then pairs+=("r_iceberg r_copy (7)/(1)"); fi
if wants cold && wants s3; then pairs+=("r_s3 r_cold (6)/(2)"); fi
if wants cold && wants iceberg; then pairs+=("r_iceberg r_cold (7)/(2)"); fi
echo
printf '%s rows, %s rounds, %s partitions, heap %s, %s cores, load at the end %s\n' "$rows" \
  "$rounds" "$partitions" "$heap" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '| round |'; printf ' %s |' "${names[@]}"
for p in "${pairs[@]}"; do printf ' %s |' "${p##* }"; done; echo
printf '|---|'; printf -- '---:|%.0s' "${names[@]}" "${pairs[@]}"; echo
declare -A ratios
for ((i = 0; i < rounds; i++)); do
  printf '| %d |' $((i + 1))
  for c in "${cols[@]}"; do
    declare -n col="$c"
    printf ' %s |' "$(commas "${col[$i]}")"
  done
  for p in "${pairs[@]}"; do
    read -r a b _ <<<"$p"
    declare -n ca="$a" cb="$b"
    r=$(ratio "${ca[$i]}" "${cb[$i]}")
    ratios[$p]+="$r "
    printf ' %s |' "$r"
  done
  echo
done
printf '| median |'
for c in "${cols[@]}"; do
  declare -n col="$c"
  printf ' %s |' "$(commas "$(median "${col[@]}")")"
done
for p in "${pairs[@]}"; do
  # shellcheck disable=SC2086 # the ratios are space-separated numbers
  printf ' **%.2f** |' "$(median ${ratios[$p]})"
done
echo
